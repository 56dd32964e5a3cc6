import { useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, patch, post } from '../api/client.ts';
import { Field } from '../ui/Field.tsx';
import { ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { useAttributeDefs } from './attribute-defs.ts';
import { pathFor, type AttributeDef, type Contact, type ContactKind } from './types.ts';

type Draft = {
  firstName: string;
  lastName: string;
  name: string;
  emails: string[];
  phones: string[];
  birthday: string;
  tags: string;
  source: string;
  attributes: Record<string, string>;
};

function draftOf(c?: Contact): Draft {
  return {
    firstName: c?.firstName ?? '',
    lastName: c?.lastName ?? '',
    name: c?.name ?? '',
    emails: c?.emails.length ? [...c.emails] : [''],
    phones: c?.phones.length ? [...c.phones] : [''],
    birthday: c?.birthday ?? '',
    tags: c?.tags.join(', ') ?? '',
    source: c?.source ?? '',
    attributes: Object.fromEntries(Object.entries(c?.attributes ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)])),
  };
}

function toBody(kind: ContactKind, d: Draft, defs: AttributeDef[]) {
  const attributes: Record<string, string | number | boolean | null> = {};
  for (const def of defs) {
    const raw = d.attributes[def.key] ?? '';
    attributes[def.key] = raw === '' ? null : def.type === 'number' ? Number(raw) : def.type === 'boolean' ? raw === 'true' : raw;
  }
  const common = {
    emails: d.emails.map((e) => e.trim()).filter(Boolean),
    phones: d.phones.map((p) => p.trim()).filter(Boolean),
    tags: d.tags.split(',').map((x) => x.trim()).filter(Boolean),
    source: d.source.trim() || null,
    attributes,
  };
  return kind === 'person'
    ? { firstName: d.firstName || null, lastName: d.lastName || null, birthday: d.birthday || null, ...common }
    : { name: d.name, ...common };
}

/** Create and edit share one form; the API's field errors are shown beside the field they name. */
export default function CustomerForm() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const existing = useQuery({ queryKey: ['contact', id], queryFn: () => get<Contact>(`/contacts/${id}`), enabled: Boolean(id) });
  const defs = useAttributeDefs();
  const canWrite = useCanWriteCustomers();

  if (!canWrite) return <ErrorNotice error={new Error(t('common.readOnlyCustomers'))} />;
  if (id && existing.isLoading) return <Spinner />;
  if (existing.isError) return <ErrorNotice error={existing.error} />;
  const kind: ContactKind = existing.data?.kind ?? (params.get('kind') === 'company' ? 'company' : 'person');
  return (
    <FormBody
      key={existing.data?.id ?? 'new'}
      kind={kind}
      contact={existing.data}
      defs={(defs.data?.items ?? []).filter((d) => d.appliesTo === 'both' || d.appliesTo === kind)}
      onSaved={(c) => {
        void qc.invalidateQueries({ queryKey: ['contacts'] });
        void qc.invalidateQueries({ queryKey: ['contact', c.id] });
        void qc.invalidateQueries({ queryKey: ['c360', c.id] });
        navigate(`/customers/${c.id}`);
      }}
      title={id ? t('customers.editTitle', { name: existing.data?.name }) : kind === 'person' ? t('customers.newPerson') : t('customers.newCompany')}
    />
  );
}

function FormBody(props: { kind: ContactKind; contact?: Contact; defs: AttributeDef[]; title: string; onSaved(c: Contact): void }) {
  const { t } = useTranslation();
  const { kind, contact, defs } = props;
  const [d, setD] = useState<Draft>(() => draftOf(contact));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const fe = (path: string) => error?.fieldError(path);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = toBody(kind, d, defs);
      const saved = contact ? await patch<Contact>(`${pathFor(kind)}/${contact.id}`, body) : await post<Contact>(pathFor(kind), body);
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  }

  const list = (key: 'emails' | 'phones', label: string, type: string) => (
    <fieldset className="space-y-2">
      <legend className="label">{label}</legend>
      {d[key].map((value, i) => (
        <Field
          key={i}
          label={`${label} ${i + 1}`}
          className="[&>label]:sr-only"
          type={type}
          dir="ltr"
          name={`${key}.${i}`}
          value={value}
          error={fe(`${key}.${i}`)}
          onChange={(e) => setD({ ...d, [key]: d[key].map((v, j) => (j === i ? e.target.value : v)) })}
        />
      ))}
      <button type="button" className="btn-ghost text-xs" onClick={() => setD({ ...d, [key]: [...d[key], ''] })}>
        {t('customers.addAnother')}
      </button>
    </fieldset>
  );

  return (
    <form onSubmit={submit} noValidate className="max-w-2xl">
      <PageHeader title={props.title} />
      <div className="card space-y-5 p-6">
        {kind === 'person' ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t('customers.firstName')} name="firstName" value={d.firstName} error={fe('firstName')} onChange={(e) => setD({ ...d, firstName: e.target.value })} />
            <Field label={t('customers.lastName')} name="lastName" value={d.lastName} error={fe('lastName')} onChange={(e) => setD({ ...d, lastName: e.target.value })} />
          </div>
        ) : (
          <Field label={t('customers.companyName')} name="name" value={d.name} error={fe('name')} onChange={(e) => setD({ ...d, name: e.target.value })} />
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          {list('emails', t('customers.email'), 'email')}
          {list('phones', t('customers.phone'), 'tel')}
        </div>
        {kind === 'person' && (
          <Field label={t('customers.birthday')} type="date" name="birthday" value={d.birthday} error={fe('birthday')} onChange={(e) => setD({ ...d, birthday: e.target.value })} />
        )}
        <Field label={t('customers.tags')} name="tags" hint={t('customers.tagsHint')} value={d.tags} error={fe('tags')} onChange={(e) => setD({ ...d, tags: e.target.value })} />
        <Field label={t('customers.source')} name="source" value={d.source} error={fe('source')} onChange={(e) => setD({ ...d, source: e.target.value })} />
        {defs.map((def) => {
          const value = d.attributes[def.key] ?? '';
          const set = (v: string) => setD({ ...d, attributes: { ...d.attributes, [def.key]: v } });
          const err = fe(`attributes.${def.key}`);
          if (def.type === 'choice' || def.type === 'boolean') {
            const options = def.type === 'boolean' ? ['true', 'false'] : def.choices ?? [];
            return (
              <div key={def.key}>
                <label className="label" htmlFor={`attr-${def.key}`}>
                  {def.label}
                </label>
                <select id={`attr-${def.key}`} className="input" value={value} onChange={(e) => set(e.target.value)}>
                  <option value="">—</option>
                  {options.map((o) => (
                    <option key={o} value={o}>
                      {def.type === 'boolean' ? t(o === 'true' ? 'common.yes' : 'common.no') : o}
                    </option>
                  ))}
                </select>
                {err && <p className="field-error">{err}</p>}
              </div>
            );
          }
          return (
            <Field key={def.key} label={def.label} type={def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text'} value={value} error={err} onChange={(e) => set(e.target.value)} />
          );
        })}
        {error && !error.body.fields && <ErrorNotice error={error} />}
        {error?.body.fields && (
          <p role="alert" className="field-error">
            {error.message}
          </p>
        )}
        <div className="flex gap-2">
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy ? t('common.working') : t('common.save')}
          </button>
          <button type="button" className="btn-secondary" onClick={() => history.back()}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </form>
  );
}
