import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, patch, post } from '../api/client.ts';
import { useDebounced } from '../customers/useDebounced.ts';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { newCondition } from './catalog.ts';
import { useCanEditSegments } from '../auth/session.tsx';
import { useCatalogData } from './data.ts';
import { PREVIEW_DELAY_MS, PreviewPanel, usePreview } from './LivePreview.tsx';
import { RuleBuilder } from './RuleBuilder.tsx';
import { asRootGroup, incomplete, outOfBounds, placeErrors } from './rules.ts';
import { formatNumber } from '../i18n/format.ts';
import type { GroupNode, Segment, SegmentKind } from './types.ts';

/** /segments/new (?kind=static for a list) and /segments/:id/edit. */
export default function SegmentBuilderPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const existing = useQuery({ queryKey: ['segment', id], queryFn: ({ signal }) => get<Segment>(`/segments/${id}`, signal), enabled: Boolean(id) });
  const canEdit = useCanEditSegments();
  if (!canEdit) return <ErrorNotice error={new Error(t('segments.readOnly'))} />;
  if (id && existing.isLoading) return <Spinner />;
  if (id && (existing.isError || !existing.data)) return <ErrorNotice error={existing.error} />;
  const kind: SegmentKind = existing.data?.kind ?? (params.get('kind') === 'static' ? 'static' : 'dynamic');
  return <Editor key={id ?? 'new'} segment={existing.data} kind={kind} />;
}

function Editor({ segment, kind }: { segment?: Segment; kind: SegmentKind }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { ctx, tags, loading } = useCatalogData(segment?.id);
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [root, setRoot] = useState<GroupNode>(() => (segment ? asRootGroup(segment.rule) : { op: 'and', rules: [newCondition('profile', ctx)] }));
  const [saveError, setSaveError] = useState<{ rule: string; error: ApiError } | null>(null);
  const [busy, setBusy] = useState(false);
  const [nameMissing, setNameMissing] = useState(false);

  const dynamic = kind === 'dynamic';
  const debounced = useDebounced(root, PREVIEW_DELAY_MS);
  const current = JSON.stringify(root);
  const missing = useMemo(() => incomplete(debounced, ctx), [debounced, ctx]);
  const empty = debounced.rules.length === 0;
  // Numbers out of range are said here, in the reader's language, and never sent: the server's
  // schema message ("Too big: expected int to be <=…") is not for people.
  const unsendable = outOfBounds(debounced, ctx).length > 0;
  const preview = usePreview(debounced, dynamic && !loading && missing.length === 0 && !empty && !unsendable);
  const bounds = outOfBounds(root, ctx);
  // Errors only count for the tree they were reported on: an edit makes them stale at once.
  const reported = saveError?.rule === current ? saveError.error.body.fields : preview.key === current ? preview.fields : undefined;
  const fields = bounds.length
    ? { ...reported, ...Object.fromEntries(bounds.map((b) => [b.field, [t(b.key, { min: formatNumber(b.min, 2), max: formatNumber(b.max, 2) })]])) }
    : reported;
  const placed = useMemo(() => placeErrors(fields, root), [fields, root]);
  const hasRuleErrors = placed.byNode.size > 0 || placed.unplaced.length > 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaveError(null);
    // Said here, in the reader's language, rather than as the server's schema message.
    if (!name.trim()) return setNameMissing(true);
    setNameMissing(false);
    if (dynamic && bounds.length) return;
    setBusy(true);
    try {
      const body = { name: name.trim(), description: description.trim() || null, ...(dynamic ? { rule: root } : {}) };
      const saved = segment ? await patch<Segment>(`/segments/${segment.id}`, body) : await post<Segment>('/segments', { ...body, kind });
      await qc.invalidateQueries({ queryKey: ['segments'] });
      await qc.invalidateQueries({ queryKey: ['segment', saved.id] });
      navigate(`/segments/${saved.id}`);
    } catch (err) {
      if (err instanceof ApiError) setSaveError({ rule: current, error: err });
      else throw err;
    } finally {
      setBusy(false);
    }
  }

  // Conditions on attributes and other segments need those lists before they can be edited.
  if (dynamic && loading) return <Spinner />;
  const err = saveError?.error;
  const otherError = err && !err.body.fields ? err.message : undefined;
  const title = segment ? t('segments.builder.editTitle', { name: segment.name }) : dynamic ? t('segments.builder.newDynamic') : t('segments.builder.newStatic');

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <PageHeader
        title={title}
        actions={
          <>
            <Link className="btn-secondary" to={segment ? `/segments/${segment.id}` : '/segments'}>
              {t('common.cancel')}
            </Link>
            <button type="submit" className="btn-primary" disabled={busy}>
              {busy ? t('common.working') : t('common.save')}
            </button>
          </>
        }
      />
      <div className={dynamic ? 'grid gap-6 lg:grid-cols-3' : 'max-w-xl'}>
        <div className="space-y-4 lg:col-span-2">
          <div className="card space-y-4 p-4">
            <Field label={t('segments.field.name')} value={name} onChange={(e) => setName(e.target.value)} error={nameMissing ? t('segments.field.nameRequired') : err?.fieldError('name')} required maxLength={200} />
            <Field label={t('segments.field.description')} value={description} onChange={(e) => setDescription(e.target.value)} error={err?.fieldError('description')} maxLength={2000} />
            {!dynamic && <p className="text-sm text-slate-600">{t('segments.builder.staticHint')}</p>}
          </div>
          {dynamic && (
            <section aria-labelledby="rule-title" className="card p-4">
              <h2 id="rule-title" className="mb-1 text-base font-semibold">
                {t('segments.builder.ruleTitle')}
              </h2>
              <p className="mb-3 text-sm text-slate-600">{t('segments.builder.ruleHint')}</p>
              {placed.unplaced.length > 0 && (
                <ul role="alert" className="mb-2">
                  {placed.unplaced.map((m, i) => (
                    <li key={i} className="field-error">
                      {m}
                    </li>
                  ))}
                </ul>
              )}
              <RuleBuilder root={root} ctx={ctx} tags={tags} errors={placed} onChange={setRoot} />
            </section>
          )}
          {otherError && <ErrorNotice error={new Error(otherError)} />}
        </div>
        {dynamic && (
          <div className="lg:sticky lg:top-4 lg:self-start">
            <PreviewPanel preview={preview.query} incomplete={missing.length} empty={empty} pending={debounced !== root} hasErrors={hasRuleErrors} />
          </div>
        )}
      </div>
    </form>
  );
}
