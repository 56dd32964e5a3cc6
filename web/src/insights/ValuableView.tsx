import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatMoney, formatNumber } from '../i18n/format.ts';
import { EmptyState, ErrorNotice, Spinner } from '../ui/states.tsx';
import { VALUE_WINDOWS } from './logic.ts';
import type { ValuableItem } from './types.ts';
import { CustomerLink } from '../customers/CustomerLink.tsx';

/** The most valuable customers: money spent over a chosen window, largest first. */
export function ValuableView() {
  const { t } = useTranslation();
  const id = useId();
  const [windowDays, setWindowDays] = useState(365);
  const list = useQuery({
    queryKey: ['insights', 'valuable', windowDays],
    queryFn: ({ signal }) => get<{ windowDays: number; currency: string; customers: number; items: ValuableItem[] }>(`/insights/valuable?windowDays=${windowDays}&limit=100`, signal),
  });
  const data = list.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={id} className="label">
            {t('insights.valuable.window')}
          </label>
          <select id={id} className="input" value={windowDays} onChange={(e) => setWindowDays(Number(e.target.value))}>
            {VALUE_WINDOWS.map((d) => (
              <option key={d} value={d}>
                {t('insights.valuable.lastDays', { count: d })}
              </option>
            ))}
          </select>
        </div>
        {data && <p className="text-sm text-slate-600">{t('insights.valuable.summary', { count: data.customers, n: formatNumber(data.customers) })}</p>}
      </div>
      {list.isLoading ? (
        <Spinner />
      ) : list.isError || !data ? (
        <ErrorNotice error={list.error} />
      ) : data.items.length === 0 ? (
        <EmptyState title={t('insights.valuable.emptyTitle')}>{t('insights.valuable.emptyBody')}</EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" aria-label={t('insights.valuable.title')}>
            <thead>
              <tr>
                <th scope="col" className="text-end">{t('insights.valuable.rank')}</th>
                <th scope="col">{t('insights.col.customer')}</th>
                <th scope="col" className="text-end">{t('insights.valuable.value')}</th>
                <th scope="col" className="text-end">{t('insights.valuable.orders')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.items.map((r) => (
                <tr key={r.contactId}>
                  <td className="text-end tabular-nums">{r.rank}</td>
                  <td>
                    <CustomerLink id={r.contactId} strong>
                      {r.name}
                    </CustomerLink>
                  </td>
                  <td className="text-end tabular-nums">{formatMoney(r.valueMinor, data.currency)}</td>
                  <td className="text-end tabular-nums">{formatNumber(r.orders)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
