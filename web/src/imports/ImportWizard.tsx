import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api/client.ts';
import { formatNumber } from '../i18n/format.ts';
import { ErrorNotice, PageHeader } from '../ui/states.tsx';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { ExportLinks } from './ExportLinks.tsx';
import { FileFormat } from './FileFormat.tsx';
import { RecentImports } from './RecentImports.tsx';
import { FIELDS, IMPORT_KINDS, type CsvFormat, type ImportKind, type ImportStatus, type UploadedImport } from './types.ts';

async function uploadCsv(kind: ImportKind, file: File): Promise<UploadedImport> {
  const q = new URLSearchParams({ kind, name: file.name.slice(0, 200) });
  return post<UploadedImport>(`/imports?${q}`, new Blob([file], { type: 'text/csv' }));
}

/** Upload → map columns with a preview → start → live progress → counts and the rejected rows. */
export default function ImportWizard() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ImportKind>('people');
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<UploadedImport | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canWrite = useCanWriteCustomers();

  /** One request at a time: the buttons wait, and its error replaces the last one. */
  async function busyWith(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  /** An upload, or the same upload read in another format: the preview and guesses start over. */
  function showUpload(up: UploadedImport) {
    setUpload(up);
    setMapping(up.suggestedMapping);
  }

  const doUpload = () => file && busyWith(async () => showUpload(await uploadCsv(kind, file)));
  const changeFormat = (format: CsvFormat) => upload && busyWith(async () => showUpload(await post<UploadedImport>(`/imports/${upload.id}/format`, format)));
  const start = () =>
    upload &&
    busyWith(async () => {
      const clean = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f));
      await post(`/imports/${upload.id}/start`, { mapping: clean });
      setJobId(upload.id);
    });

  function reset() {
    setUpload(null);
    setJobId(null);
    setFile(null);
    setMapping({});
  }

  const fields = upload?.fields ?? FIELDS[kind];
  if (!canWrite)
    return (
      <>
        <PageHeader title={t('import.title')} />
        <ErrorNotice error={new Error(t('common.readOnlyCustomers'))} />
        <ExportLinks />
      </>
    );
  return (
    <>
      <PageHeader title={t('import.title')} />
      <ol className="mb-6 flex gap-4 text-sm" aria-label={t('import.steps')}>
        {[t('import.stepUpload'), t('import.stepMap'), t('import.stepRun')].map((s, i) => {
          const step = jobId ? 2 : upload ? 1 : 0;
          return (
            <li key={s} aria-current={i === step ? 'step' : undefined} className={i === step ? 'font-semibold text-indigo-700' : 'text-slate-500'}>
              {i + 1}. {s}
            </li>
          );
        })}
      </ol>

      {error != null && (
        <div className="mb-4">
          <ErrorNotice error={error instanceof ApiError ? new Error(Object.values(error.body.fields ?? {}).flat()[0] ?? error.message) : error} />
        </div>
      )}

      {!upload && (
        <div className="card max-w-xl space-y-4 p-6">
          <div>
            <label htmlFor="import-kind" className="label">
              {t('import.what')}
            </label>
            <select
              id="import-kind"
              className="input"
              value={kind}
              aria-describedby={kind === 'payments' ? 'import-kind-hint' : undefined}
              onChange={(e) => setKind(e.target.value as ImportKind)}
            >
              {IMPORT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`import.kind.${k}`)}
                </option>
              ))}
            </select>
            {kind === 'payments' && (
              <p id="import-kind-hint" className="mt-1 text-xs text-slate-500">
                {t('import.kindHint.payments')}
              </p>
            )}
          </div>
          <div>
            <label htmlFor="import-file" className="label">
              {t('import.file')}
            </label>
            <input id="import-file" type="file" accept=".csv,text/csv" className="block text-sm" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <p className="mt-1 text-xs text-slate-500">{t('import.fileHint')}</p>
          </div>
          <button className="btn-primary" disabled={!file || busy} onClick={() => void doUpload()}>
            {busy ? t('common.working') : t('import.upload')}
          </button>
        </div>
      )}

      {upload && !jobId && (
        <div className="space-y-4">
          <FileFormat format={upload.format} busy={busy} onChange={(f) => void changeFormat(f)} />
          <div className="card overflow-x-auto p-4">
            <h2 id="import-map-title" className="mb-2 font-semibold">{t('import.mapTitle')}</h2>
            <p className="mb-3 text-sm text-slate-600">{t('import.mapHint')}</p>
            <table className="table" aria-labelledby="import-map-title">
              <thead>
                <tr>
                  {upload.headers.map((h, i) => (
                    <th key={i} scope="col">
                      <div className="mb-1">{h}</div>
                      <select
                        aria-label={t('import.mapColumn', { column: h })}
                        className="input py-1 text-xs"
                        value={mapping[h] ?? ''}
                        onChange={(e) => setMapping({ ...mapping, [h]: e.target.value })}
                      >
                        <option value="">{t('import.ignore')}</option>
                        {fields.map((f) => (
                          <option key={f} value={f}>
                            {t(`import.field.${f}`, { defaultValue: f })}
                          </option>
                        ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {upload.preview.map((r) => (
                  <tr key={r.line}>
                    {upload.headers.map((_, i) => (
                      <td key={i} className="max-w-48 truncate">
                        {r.values[i] ?? ''}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="flex gap-2">
            <button className="btn-primary" disabled={busy} onClick={() => void start()}>
              {t('import.start')}
            </button>
            <button className="btn-secondary" onClick={reset}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}

      {jobId && <ImportProgress id={jobId} onAnother={reset} />}
      <RecentImports />
      <ExportLinks />
    </>
  );
}

function ImportProgress({ id, onAnother }: { id: string; onAnother(): void }) {
  const { t } = useTranslation();
  const status = useQuery({
    queryKey: ['import', id],
    queryFn: ({ signal }) => get<ImportStatus>(`/imports/${id}`, signal),
    refetchInterval: (q) => (q.state.data && ['succeeded', 'failed'].includes(q.state.data.state) ? false : 500),
  });
  const s = status.data;
  if (!s) return null;
  const { progress: p, counts: c } = s;
  const pct = s.state === 'succeeded' ? 100 : p.bytesTotal ? Math.min(99, Math.round((p.bytesDone / p.bytesTotal) * 100)) : 0;
  return (
    <div className="card max-w-xl space-y-4 p-6" data-testid="import-progress">
      <div>
        <div className="mb-1 flex justify-between text-sm">
          <span>{t(`import.state.${s.state}`)}</span>
          <span>{pct}%</span>
        </div>
        <div className="h-2 rounded-full bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('import.progress')}>
          <div className="h-2 rounded-full bg-indigo-600 transition-all" style={{ width: `${pct}%` }} />
        </div>
        <p className="mt-1 text-xs text-slate-500">
          {t('import.rows', { done: formatNumber(p.rowsDone), total: p.rowsTotal === null ? '…' : formatNumber(p.rowsTotal) })}
          {p.rate ? ` · ${t('import.rate', { rate: formatNumber(p.rate) })}` : ''}
          {p.etaSeconds && s.state !== 'succeeded' ? ` · ${t('import.eta', { seconds: p.etaSeconds })}` : ''}
        </p>
      </div>
      {s.state === 'failed' && <ErrorNotice error={new Error(s.error ?? t('common.error'))} />}
      {s.state === 'succeeded' && (
        <>
          <dl className="grid grid-cols-2 gap-2 text-sm" data-testid="import-counts">
            <dt className="text-slate-500">{t('import.created')}</dt>
            <dd data-count="created">{formatNumber(c.created)}</dd>
            <dt className="text-slate-500">{t('import.updated')}</dt>
            <dd data-count="updated">{formatNumber(c.updated + c.unchanged)}</dd>
            <dt className="text-slate-500">{t('import.rejected')}</dt>
            <dd data-count="rejected">{formatNumber(c.rejected)}</dd>
          </dl>
          <div className="flex gap-2">
            {c.rejected > 0 && (
              <a className="btn-secondary" href={`/api/v1/imports/${id}/rejections.csv`} download>
                {t('import.downloadRejected')}
              </a>
            )}
            <button className="btn-ghost" onClick={onAnother}>
              {t('import.another')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
