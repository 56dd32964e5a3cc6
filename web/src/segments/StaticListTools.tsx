import { useId, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, get, post } from '../api/client.ts';
import type { Contact, Page } from '../customers/types.ts';
import { useDebounced } from '../customers/useDebounced.ts';
import { formatNumber } from '../i18n/format.ts';
import type { MembersChange } from './types.ts';

/** Hand-kept members of a static list: find a customer and add them, or upload a CSV of e-mails. */
export function StaticListTools({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 250);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [csvResult, setCsvResult] = useState<MembersChange | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const results = useQuery({
    queryKey: ['segment-add-search', search],
    enabled: search.length > 0,
    queryFn: async ({ signal }) => {
      const q = `?limit=8&search=${encodeURIComponent(search)}`;
      const [people, companies] = await Promise.all([get<Page<Contact>>(`/people${q}`, signal), get<Page<Contact>>(`/companies${q}`, signal)]);
      return [...people.items, ...companies.items];
    },
  });

  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['segment', segmentId] }),
      qc.invalidateQueries({ queryKey: ['segment-members', segmentId] }),
      qc.invalidateQueries({ queryKey: ['segment-daily', segmentId] }),
      qc.invalidateQueries({ queryKey: ['segments'] }),
    ]);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await fn();
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError ? (Object.values(err.body.fields ?? {})[0]?.[0] ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  }

  const add = (c: Contact) =>
    run(async () => {
      const r = await post<MembersChange>(`/segments/${segmentId}/members`, { contactIds: [c.id] });
      setMessage(r.added ? t('segments.static.added', { name: c.name }) : t('segments.static.alreadyIn', { name: c.name }));
    });

  const upload = () =>
    run(async () => {
      const f = file.current?.files?.[0];
      if (!f) {
        setError(t('segments.static.pickFile'));
        return;
      }
      setCsvResult(null);
      const r = await api<MembersChange>('POST', `/segments/${segmentId}/members`, await f.text(), { headers: { 'content-type': 'text/csv' } });
      setCsvResult(r);
      if (file.current) file.current.value = '';
    });

  return (
    <section aria-labelledby={`${id}-title`} className="card space-y-4 p-4">
      <h2 id={`${id}-title`} className="text-base font-semibold">
        {t('segments.static.title')}
      </h2>
      <div>
        <label htmlFor={`${id}-search`} className="label">
          {t('segments.static.find')}
        </label>
        <input id={`${id}-search`} type="search" className="input" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('segments.static.findPlaceholder')} />
        {search && results.data && (
          <ul className="mt-2 divide-y divide-slate-100 text-sm" aria-label={t('segments.static.results')}>
            {results.data.length === 0 && <li className="py-1.5 text-slate-500">{t('segments.static.noResults')}</li>}
            {results.data.map((c) => (
              <li key={c.id} className="flex items-center justify-between gap-2 py-1.5">
                <span className="flex flex-wrap gap-x-2">
                  <span className="font-medium">{c.name}</span>
                  <span className="text-slate-500" dir="ltr">
                    {c.emails[0] ?? ''}
                  </span>
                </span>
                <button type="button" className="btn-secondary px-2 py-1 text-xs" disabled={busy} onClick={() => void add(c)} aria-label={t('segments.static.addNamed', { name: c.name })}>
                  {t('segments.static.add')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <label htmlFor={`${id}-csv`} className="label">
          {t('segments.static.csv')}
        </label>
        <p id={`${id}-csv-hint`} className="mb-1 text-xs text-slate-500">
          {t('segments.static.csvHint')}
        </p>
        <div className="flex flex-wrap items-center gap-2">
          <input id={`${id}-csv`} ref={file} type="file" accept=".csv,text/csv,text/plain" aria-describedby={`${id}-csv-hint`} className="text-sm" />
          <button type="button" className="btn-secondary" disabled={busy} onClick={() => void upload()}>
            {t('segments.static.upload')}
          </button>
        </div>
      </div>
      <div aria-live="polite">
        {busy && <p className="text-sm text-slate-500">{t('common.working')}</p>}
        {message && <p className="text-sm text-emerald-700">{message}</p>}
        {csvResult && <CsvReport r={csvResult} />}
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </section>
  );
}

function CsvReport({ r }: { r: MembersChange }) {
  const { t } = useTranslation();
  const notFound = r.notFound ?? [];
  const invalid = r.invalid ?? [];
  return (
    <div className="space-y-2 rounded-md bg-slate-50 p-3 text-sm" data-testid="csv-result">
      <p className="font-medium">
        {t('segments.static.csvSummary', { added: formatNumber(r.added ?? 0), notFound: formatNumber(notFound.length), invalid: formatNumber(invalid.length), size: formatNumber(r.size) })}
      </p>
      {notFound.length > 0 && (
        <details>
          <summary className="cursor-pointer">{t('segments.static.notFoundList', { count: notFound.length })}</summary>
          <ul className="mt-1 list-inside list-disc" dir="ltr">
            {notFound.slice(0, 200).map((n) => (
              <li key={n.line}>{t('segments.static.lineEmail', { line: n.line, email: n.email })}</li>
            ))}
          </ul>
        </details>
      )}
      {invalid.length > 0 && (
        <details>
          <summary className="cursor-pointer">{t('segments.static.invalidList', { count: invalid.length })}</summary>
          <ul className="mt-1 list-inside list-disc">
            {invalid.slice(0, 200).map((n) => (
              <li key={n.line}>{t('segments.static.lineInvalid', { line: n.line, value: n.value, reason: n.reason })}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
