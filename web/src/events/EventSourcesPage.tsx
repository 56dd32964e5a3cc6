import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, del, get, post } from '../api/client.ts';
import { useIsAdmin } from '../auth/session.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { Field } from '../ui/Field.tsx';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../ui/states.tsx';
import { CopyButton } from './CopyButton.tsx';
import { curlSnippet, nodeSnippet } from './snippets.ts';
import type { EventSource } from './types.ts';

/** Write keys: who may send events to this workspace. A new key is shown once, with examples. */
export function EventSourcesPage() {
  const { t } = useTranslation();
  const admin = useIsAdmin();
  const qc = useQueryClient();
  const sources = useQuery({ queryKey: ['event-sources'], queryFn: ({ signal }) => get<{ items: EventSource[] }>('/event-sources', signal), enabled: admin });
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; writeKey: string } | null>(null);

  if (!admin) return <EmptyState title={t('events.sources.title')}>{t('events.sources.adminOnly')}</EmptyState>;

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNameError(undefined);
    if (!name.trim()) return setNameError(t('events.sources.nameRequired'));
    setBusy(true);
    try {
      const out = await post<EventSource & { writeKey: string }>('/event-sources', { name: name.trim() });
      setCreated({ name: out.name, writeKey: out.writeKey });
      setName('');
      await qc.invalidateQueries({ queryKey: ['event-sources'] });
    } catch (err) {
      if (err instanceof ApiError && err.fieldError('name')) setNameError(err.fieldError('name'));
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(s: EventSource) {
    if (!window.confirm(t('events.sources.confirmRevoke', { name: s.name }))) return;
    setError(null);
    try {
      await del(`/event-sources/${s.id}`);
      await qc.invalidateQueries({ queryKey: ['event-sources'] });
    } catch (err) {
      setError(err);
    }
  }

  const origin = window.location.origin;
  return (
    <div className="space-y-6">
      <PageHeader title={t('events.sources.title')} />
      <p className="max-w-2xl text-sm text-slate-600">{t('events.sources.intro')}</p>
      {error ? <ErrorNotice error={error} /> : null}
      {created && (
        <section className="card space-y-3 p-5 ring-amber-300" aria-labelledby="new-key-title">
          <h2 id="new-key-title" className="text-base font-semibold">
            {t('events.sources.createdTitle', { name: created.name })}
          </h2>
          <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
            {t('events.sources.shownOnce')}
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code dir="ltr" className="select-all break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm" data-testid="new-write-key">
              {created.writeKey}
            </code>
            <CopyButton text={created.writeKey} label={t('events.copy.key')} />
          </div>
          {[
            { id: 'curl', label: t('events.sources.curl'), code: curlSnippet(origin, created.writeKey) },
            { id: 'node', label: t('events.sources.node'), code: nodeSnippet(origin, created.writeKey) },
          ].map((s) => (
            <div key={s.id}>
              <div className="mb-1 flex items-center justify-between gap-2">
                <h3 className="text-sm font-medium">{s.label}</h3>
                <CopyButton text={s.code} label={t('events.copy.snippet')} />
              </div>
              <pre dir="ltr" className="overflow-auto rounded-md bg-slate-900 p-3 text-start font-mono text-xs text-slate-100" data-testid={`snippet-${s.id}`}>
                {s.code}
              </pre>
            </div>
          ))}
          <button type="button" className="btn-secondary" onClick={() => setCreated(null)}>
            {t('events.sources.done')}
          </button>
        </section>
      )}
      <section className="card overflow-x-auto p-4">
        <h2 className="mb-2 text-base font-semibold">{t('events.sources.list')}</h2>
        {sources.isLoading ? (
          <Spinner />
        ) : sources.isError ? (
          <ErrorNotice error={sources.error} />
        ) : !sources.data?.items.length ? (
          <p className="text-sm text-slate-500">{t('events.sources.empty')}</p>
        ) : (
          <table className="table" aria-label={t('events.sources.list')}>
            <thead>
              <tr>
                <th scope="col">{t('events.sources.name')}</th>
                <th scope="col">{t('events.sources.prefix')}</th>
                <th scope="col">{t('events.sources.created')}</th>
                <th scope="col">{t('events.sources.status')}</th>
                <th scope="col">
                  <span className="sr-only">{t('events.sources.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sources.data.items.map((s) => (
                <tr key={s.id} className={s.revokedAt ? 'text-slate-400' : ''}>
                  <td>{s.name}</td>
                  <td dir="ltr" className="text-start font-mono">
                    {s.prefix}…
                  </td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{s.revokedAt ? t('events.sources.revokedAt', { when: formatDateTime(s.revokedAt) }) : t('events.sources.active')}</td>
                  <td className="text-end">
                    {!s.revokedAt && (
                      <button type="button" className="btn-ghost text-xs text-rose-700" onClick={() => void revoke(s)} aria-label={t('events.sources.revokeNamed', { name: s.name })}>
                        {t('events.sources.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <form onSubmit={create} className="card max-w-xl space-y-4 p-5" noValidate>
        <h2 className="text-base font-semibold">{t('events.sources.new')}</h2>
        <Field label={t('events.sources.name')} value={name} maxLength={100} placeholder={t('events.sources.namePlaceholder')} onChange={(e) => setName(e.target.value)} error={nameError} />
        <button className="btn-primary" disabled={busy}>
          {busy ? t('common.working') : t('events.sources.create')}
        </button>
      </form>
    </div>
  );
}
