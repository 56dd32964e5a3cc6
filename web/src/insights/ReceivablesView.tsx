import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatDate, formatMoney, formatNumber, formatPercent } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, Spinner } from '../ui/states.tsx';
import { CustomerLink } from '../customers/CustomerLink.tsx';
import { Segmented } from '../ui/Segmented.tsx';
import { overdueState, receivablesPath } from './logic.ts';
import type { PaymentReliability, Receivable, ReceivablesSort } from './types.ts';

const SORTS: ReceivablesSort[] = ['amount', 'overdue'];
const SCOPES = ['all', 'mine'] as const;

/** Customers who owe money: the largest amounts first, or only those past due, longest overdue first. */
export function ReceivablesView() {
  const { t } = useTranslation();
  const [sort, setSort] = useState<ReceivablesSort>('amount');
  // Everyone's by default (the books are the company's); an account manager narrows to their own.
  const [scope, setScope] = useState<'all' | 'mine'>('all');
  const list = useInfiniteQuery({
    queryKey: ['insights', 'receivables', sort, scope],
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => get<{ items: Receivable[]; nextCursor: string | null }>(receivablesPath(sort, pageParam, 50, scope), signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Segmented label={t('insights.receivables.sort')} options={SORTS} value={sort} onChange={setSort} text={(s) => t(`insights.receivables.by.${s}`)} />
        <Segmented label={t('insights.receivables.scope')} options={SCOPES} value={scope} onChange={setScope} text={(s) => t(`insights.receivables.${s}`)} />
        <p className="text-sm text-slate-600">{t(`insights.receivables.hint.${sort}`)}</p>
      </div>
      {list.isLoading ? (
        <Spinner />
      ) : list.isError && rows.length === 0 ? (
        <ErrorNotice error={list.error} />
      ) : rows.length === 0 ? (
        <EmptyState title={t(`insights.receivables.empty.${sort}.title`)}>{t(`insights.receivables.empty.${sort}.body`)}</EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" aria-label={t('insights.receivables.title')}>
            <thead>
              <tr>
                <th scope="col">{t('insights.col.customer')}</th>
                <th scope="col" className="text-end">{t('insights.receivables.col.amountDue')}</th>
                <th scope="col">{t('insights.receivables.col.oldestDue')}</th>
                <th scope="col">{t('insights.receivables.col.daysOverdue')}</th>
                <th scope="col" className="text-end">{t('insights.receivables.col.onTime')}</th>
                <th scope="col" className="text-end">{t('insights.receivables.col.averageLate')}</th>
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
                  <td className="text-end tabular-nums whitespace-nowrap">{formatMoney(r.amountDueMinor, r.currency)}</td>
                  <td className="text-sm whitespace-nowrap">{formatDate(r.payments.oldestUnpaidDueAt)}</td>
                  <td className="text-sm whitespace-nowrap">
                    <Overdue payments={r.payments} />
                  </td>
                  <td className="text-end text-sm whitespace-nowrap">
                    <OnTime payments={r.payments} />
                  </td>
                  <td className="text-end text-sm tabular-nums whitespace-nowrap">
                    {r.payments.averageDaysLate === null ? '—' : t('insights.days', { count: r.payments.averageDaysLate, n: formatNumber(r.payments.averageDaysLate, 1) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage && (
            <button type="button" className="btn-ghost m-3" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('insights.more')}
            </button>
          )}
          {/* A page after the first that failed: the rows already shown stay. */}
          {list.isFetchNextPageError && (
            <div className="m-3">
              <ErrorNotice error={list.error} />
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** Days past due, said in words and marked by more than colour (a bold outlined badge with a sign) when above 0. */
function Overdue({ payments }: { payments: PaymentReliability }) {
  const { t } = useTranslation();
  const state = overdueState(payments);
  if (state === 'overdue')
    return (
      <span className="badge bg-rose-50 font-semibold text-rose-800 ring-1 ring-rose-300" data-testid="overdue">
        <span aria-hidden="true" className="me-1">
          !
        </span>
        {t('insights.receivables.overdue', { count: payments.daysOverdue, n: formatNumber(payments.daysOverdue) })}
      </span>
    );
  if (state === 'none') return <>—</>;
  return <span className="text-slate-600">{t(`insights.receivables.${state}`)}</span>;
}

/** The share paid on time, and of how many settled orders; "—" before any order is settled. */
function OnTime({ payments }: { payments: PaymentReliability }) {
  const { t } = useTranslation();
  if (payments.onTimeShare === null) return <>—</>;
  return (
    <>
      <span className="tabular-nums">{formatPercent(payments.onTimeShare)}</span>{' '}
      <span className="text-xs text-slate-500">{t('insights.receivables.ofSettled', { count: payments.settledOrders, n: formatNumber(payments.settledOrders) })}</span>
    </>
  );
}
