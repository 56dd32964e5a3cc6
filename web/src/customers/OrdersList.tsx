import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { formatDate, formatMoney } from '../i18n/format.ts';
import { Spinner } from '../ui/states.tsx';
import type { OrderDetail, OrderSummary } from './types.ts';
import { dueDateOf } from './payments.ts';

/** The customer's orders, newest first; each opens to its lines and payments. paymentTermsDays dates the orders without a due date of their own. */
export function OrdersList({ orders, loading, paymentTermsDays }: { orders: OrderSummary[]; loading: boolean; paymentTermsDays?: number }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="orders-title" className="card p-5">
      <h2 id="orders-title" className="mb-2 text-base font-semibold">
        {t('c360.orders')}
      </h2>
      {loading ? (
        <Spinner />
      ) : orders.length === 0 ? (
        <p className="text-sm text-slate-500">{t('c360.noOrders')}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {orders.slice(0, 50).map((o) => {
            const due = dueDateOf(o, paymentTermsDays);
            return (
              <li key={o.id} className="py-2">
                <button className="flex w-full items-center justify-between gap-3 text-start text-sm" aria-expanded={open === o.id} onClick={() => setOpen(open === o.id ? null : o.id)}>
                  <span>
                    {formatDate(o.orderedAt)} {o.externalId && <span className="text-slate-500">#{o.externalId}</span>}
                    {due && <span className="block text-xs text-slate-500">{t('c360.dueOn', { date: formatDate(due) })}</span>}
                  </span>
                  <span className="flex items-center gap-3">
                    <span className="badge">{t(`orderStatus.${o.status}`)}</span>
                    <span className="font-medium">{formatMoney(o.totalMinor, o.currency)}</span>
                  </span>
                </button>
                {open === o.id && <OrderLines id={o.id} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function OrderLines({ id }: { id: string }) {
  const { t } = useTranslation();
  const order = useQuery({ queryKey: ['order', id], queryFn: ({ signal }) => get<OrderDetail>(`/orders/${id}`, signal) });
  if (!order.data) return <Spinner />;
  const o = order.data;
  return (
    <div className="mt-2 rounded-md bg-slate-50 p-3 text-sm">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('c360.product')}</th>
            <th scope="col">{t('c360.quantity')}</th>
            <th scope="col">{t('c360.lineTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {o.lines.map((l) => (
            <tr key={l.id}>
              <td>{l.name}</td>
              <td>{l.quantity}</td>
              <td>{formatMoney(l.lineTotalMinor, o.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-slate-600">
        {o.payments.length === 0
          ? t('c360.unpaid')
          : o.payments.map((p) => `${formatMoney(p.amountMinor, p.currency)} · ${formatDate(p.paidAt)}`).join('; ')}
      </p>
    </div>
  );
}
