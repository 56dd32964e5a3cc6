import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api/client.ts';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { formatDate } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, Spinner } from '../ui/states.tsx';
import { jobRunning, jobStatusKey, slowingPath } from './logic.ts';
import type { SlowingItem } from './types.ts';
import { useJob } from './useJob.ts';
import { slowingReason } from './wording.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';
import { Segmented } from '../ui/Segmented.tsx';


/** Customers whose gaps grow or whose orders shrink: the owner's own first, everyone's on request. */
export function SlowingView() {
  const { t } = useTranslation();
  const canRun = useCanWriteCustomers();
  const [scope, setScope] = useState<'mine' | 'all'>('mine');
  const list = useInfiniteQuery({
    queryKey: ['insights', 'slowing', scope],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => get<{ items: SlowingItem[]; nextCursor: string | null }>(slowingPath(scope, pageParam), signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const { job, start } = useJob(['insights', 'slowing']);
  const [error, setError] = useState<unknown>(null);
  const recompute = async () => {
    setError(null);
    try {
      start((await post<{ jobId: string }>('/insights/slowing/recompute')).jobId);
    } catch (e) {
      setError(e);
    }
  };
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const status = jobStatusKey(job);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Segmented label={t('insights.slowing.scope')} options={['mine', 'all'] as const} value={scope} onChange={setScope} text={(s) => t(`insights.slowing.${s}`)} />
        {canRun && (
          <button type="button" className="btn-secondary" disabled={jobRunning(job)} onClick={() => void recompute()}>
            {t('insights.slowing.recompute')}
          </button>
        )}
        {status && <span role="status" className="text-sm text-slate-600">{t(status)}</span>}
        {error != null && <ErrorNotice error={error} />}
      </div>
      {list.isLoading ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorNotice error={list.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={scope === 'mine' ? t('insights.slowing.emptyMineTitle') : t('insights.slowing.emptyTitle')}>
          {scope === 'mine' ? t('insights.slowing.emptyMineBody') : t('insights.slowing.emptyBody')}
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" aria-label={t('insights.slowing.title')}>
            <thead>
              <tr>
                <th scope="col">{t('insights.col.customer')}</th>
                <th scope="col">{t('insights.slowing.reason')}</th>
                <th scope="col">{t('insights.slowing.since')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.contactId}>
                  <td>
                    <CustomerLink id={r.contactId} strong>
                      {r.name}
                    </CustomerLink>
                  </td>
                  <td className="text-sm">{slowingReason(t, r.details)}</td>
                  <td className="text-sm whitespace-nowrap">{formatDate(r.since)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage && (
            <button type="button" className="btn-ghost m-3" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('insights.more')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
