import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api/client.ts';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, Spinner } from '../ui/states.tsx';
import { jobRunning, jobStatusKey, rfmLabelKey, share } from './logic.ts';
import type { RfmDistribution } from './types.ts';
import { useJob } from './useJob.ts';


/** RFM overview: customers per label, the R×F grid, and the score distributions. */
export function RfmView() {
  const { t } = useTranslation();
  const canRun = useCanWriteCustomers();
  const rfm = useQuery({ queryKey: ['insights', 'rfm'], queryFn: ({ signal }) => get<RfmDistribution>('/insights/rfm', signal) });
  const { job, start } = useJob(['insights', 'rfm']);
  const [error, setError] = useState<unknown>(null);
  const label = (s: string) => {
    const key = rfmLabelKey(s);
    return key ? t(key) : s;
  };
  const recompute = async () => {
    setError(null);
    try {
      start((await post<{ jobId: string }>('/insights/rfm/recompute')).jobId);
    } catch (e) {
      setError(e);
    }
  };
  const status = jobStatusKey(job);
  const data = rfm.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        {canRun && (
          <button type="button" className="btn-primary" disabled={jobRunning(job)} onClick={() => void recompute()}>
            {t('insights.rfm.recompute')}
          </button>
        )}
        {data?.computedAt && <span className="text-sm text-slate-600">{t('insights.rfm.computedAt', { when: formatDateTime(data.computedAt) })}</span>}
        {status && <span role="status" className="text-sm text-slate-600">{t(status)}</span>}
        {error != null && <ErrorNotice error={error} />}
      </div>
      {rfm.isLoading ? (
        <Spinner />
      ) : rfm.isError || !data ? (
        <ErrorNotice error={rfm.error} />
      ) : data.customers === 0 ? (
        <EmptyState title={t('insights.rfm.emptyTitle')}>{t('insights.rfm.emptyBody')}</EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <section className="card p-5" aria-labelledby="rfm-labels">
            <h2 id="rfm-labels" className="mb-3 text-base font-semibold">
              {t('insights.rfm.byLabel')}
            </h2>
            <ul className="space-y-2 text-sm">
              {data.segments.map((s) => (
                <li key={s.segment}>
                  <div className="flex justify-between gap-3">
                    <span>{label(s.segment)}</span>
                    <span className="tabular-nums text-slate-600">
                      {formatNumber(s.customers)} · {formatPercent(share(s.customers, data.customers) / 100, 1)}
                    </span>
                  </div>
                  <div className="mt-1 h-1.5 rounded bg-slate-100" aria-hidden>
                    <div className="h-1.5 rounded bg-indigo-500" style={{ width: `${share(s.customers, data.customers)}%` }} />
                  </div>
                </li>
              ))}
            </ul>
          </section>
          <section className="card p-5" aria-labelledby="rfm-grid">
            <h2 id="rfm-grid" className="mb-3 text-base font-semibold">
              {t('insights.rfm.grid')}
            </h2>
            {/* Six columns do not fit a phone: the grid scrolls on its own rather than widening the page. */}
            <div className="overflow-x-auto">
              <table className="table text-center text-xs">
                <caption className="mb-2 text-start text-xs text-slate-500">{t('insights.rfm.gridCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('insights.rfm.rf')}</th>
                    {[1, 2, 3, 4, 5].map((f) => (
                      <th key={f} scope="col">F{f}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[5, 4, 3, 2, 1].map((r) => (
                    <tr key={r}>
                      <th scope="row">R{r}</th>
                      {[1, 2, 3, 4, 5].map((f) => {
                        const cell = data.cells.find((c) => c.r === r && c.f === f);
                        return (
                          <td key={f} title={cell ? label(cell.segment) : undefined} className="tabular-nums">
                            {formatNumber(cell?.customers ?? 0)}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card p-5 lg:col-span-2" aria-labelledby="rfm-scores">
            <h2 id="rfm-scores" className="mb-3 text-base font-semibold">
              {t('insights.rfm.scores')}
            </h2>
            <div className="overflow-x-auto">
              <table className="table text-sm">
                <thead>
                  <tr>
                    <th scope="col">{t('insights.rfm.score')}</th>
                    <th scope="col" className="text-end">{t('insights.rfm.recency')}</th>
                    <th scope="col" className="text-end">{t('insights.rfm.frequency')}</th>
                    <th scope="col" className="text-end">{t('insights.rfm.monetary')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[5, 4, 3, 2, 1].map((score) => (
                    <tr key={score}>
                      <th scope="row">{formatNumber(score)}</th>
                      {(['r', 'f', 'm'] as const).map((k) => (
                        <td key={k} className="text-end tabular-nums">
                          {formatNumber(data[k].find((x) => x.score === score)?.customers ?? 0)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </div>
      )}
    </div>
  );
}
