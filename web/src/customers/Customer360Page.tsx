import { useState } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../api/client.ts';
import { formatDate, formatMoney, formatNumber } from '../i18n/format.ts';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { useCanWriteCustomers } from '../auth/session.tsx';
import { CustomerEvents } from '../events/CustomerEvents.tsx';
import { CustomerInsightsCard } from '../insights/CustomerInsightsCard.tsx';
import { MergeDialog } from './MergeDialog.tsx';
import { OrdersChart } from './OrdersChart.tsx';
import { OrdersList } from './OrdersList.tsx';
import { Timeline } from './Timeline.tsx';
import type { Complaint, Contact360, OrderSummary, Page } from './types.ts';
import { attributeValue, languageName, usePhoneFormat } from './display.ts';
import { useAttributeDefs } from './attribute-defs.ts';
import { CustomerLink } from './CustomerLink.tsx';
import { Row } from './FigureRow.tsx';
import { PaymentFigures } from './PaymentFigures.tsx';

export default function Customer360Page() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [merging, setMerging] = useState(false);
  const canWrite = useCanWriteCustomers();
  const formatPhone = usePhoneFormat();
  const view = useQuery({ queryKey: ['c360', id], queryFn: ({ signal }) => get<Contact360>(`/contacts/${id}/360`, signal) });
  const orders = useQuery({ queryKey: ['orders', id], queryFn: ({ signal }) => get<Page<OrderSummary>>(`/orders?contactId=${id}&limit=200`, signal) });
  const attributeDefs = useAttributeDefs();
  const complaints = useQuery({ queryKey: ['complaints', id], queryFn: ({ signal }) => get<Page<Complaint>>(`/complaints?contactId=${id}&limit=50`, signal) });

  if (view.isLoading) return <Spinner />;
  // An old link to a merged-away duplicate leads to the record it was merged into.
  const keptId = view.error instanceof ApiError && view.error.status === 404 ? view.error.fieldError('mergedInto') : undefined;
  if (keptId) return <Navigate to={`/customers/${keptId}`} replace />;
  if (view.isError || !view.data) return <ErrorNotice error={view.error} />;
  const { contact: c, figures: f } = view.data;
  const money = (m: number) => formatMoney(m, f.currency);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{c.name}</h1>
          <div className="mt-1 flex flex-wrap gap-2 text-sm text-slate-600">
            <span className="badge">{t(`customers.kind_${c.kind}`)}</span>
            {c.company && (
              <CustomerLink id={c.company.id}>{c.company.name}</CustomerLink>
            )}
            {c.tags.map((tag) => (
              <span key={tag} className="badge bg-indigo-50 text-indigo-700">
                {tag}
              </span>
            ))}
          </div>
        </div>
        {canWrite && (
          <div className="flex gap-2">
            <Link className="btn-secondary" to={`/customers/${c.id}/edit`}>
              {t('common.edit')}
            </Link>
            <button className="btn-secondary" onClick={() => setMerging(true)}>
              {t('merge.button')}
            </button>
          </div>
        )}
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6">
          <section aria-labelledby="profile-title" className="card p-5">
            <h2 id="profile-title" className="mb-2 text-base font-semibold">
              {t('c360.profile')}
            </h2>
            <dl className="divide-y divide-slate-100">
              <Row label={t('customers.email')}>
                <span dir="ltr">{c.emails.join(', ') || '—'}</span>
              </Row>
              <Row label={t('customers.phone')}>
                <span dir="ltr">{c.phones.map(formatPhone).join(', ') || '—'}</span>
              </Row>
              {c.kind === 'person' && <Row label={t('customers.birthday')}>{formatDate(c.birthday)}</Row>}
              <Row label={t('customers.locale')}>{languageName(c.locale)}</Row>
              <Row label={t('customers.timeZone')}>{c.timeZone ?? '—'}</Row>
              <Row label={t('customers.source')}>{c.source ?? '—'}</Row>
              {Object.entries(c.attributes).map(([k, v]) => {
                const def = attributeDefs.data?.items.find((d) => d.key === k);
                return (
                  <Row key={k} label={def?.label ?? k}>
                    {attributeValue(def, v, (yes) => t(yes ? 'common.yes' : 'common.no'))}
                  </Row>
                );
              })}
            </dl>
          </section>

          <section aria-labelledby="figures-title" className="card p-5">
            <h2 id="figures-title" className="mb-2 text-base font-semibold">
              {t('c360.figures')}
            </h2>
            <dl className="divide-y divide-slate-100" data-testid="order-figures">
              <Row label={t('c360.lastOrder')}>{formatDate(f.lastOrderAt)}</Row>
              <Row label={t('c360.orderCount')}>{formatNumber(f.orderCount)}</Row>
              <Row label={t('c360.total')}>{money(f.totalMinor)}</Row>
              <Row label={t('c360.average')}>{money(f.averageMinor)}</Row>
              <Row label={t('c360.medianGap')}>{f.medianGapDays === null ? '—' : t('c360.days', { count: Math.round(f.medianGapDays) })}</Row>
              <Row label={t('c360.favourite')}>{f.favouriteProduct ? f.favouriteProduct.name ?? f.favouriteProduct.sku : '—'}</Row>
              <Row label={t('c360.amountDue')}>{money(f.amountDueMinor)}</Row>
              {f.payments && <PaymentFigures p={f.payments} />}
            </dl>
            {orders.data && orders.data.items.length > 0 && <OrdersChart orders={orders.data.items} />}
          </section>

          <section aria-labelledby="later-title" className="card p-5">
            <h2 id="later-title" className="mb-2 text-base font-semibold">
              {t('c360.engagement')}
            </h2>
            <dl className="divide-y divide-slate-100 text-sm">
              <Row label={t('c360.consent')}>{t('c360.notYet')}</Row>
              <Row label={t('c360.loyalty')}>{t('c360.notYet')}</Row>
            </dl>
          </section>
          <CustomerInsightsCard contactId={c.id} />
        </div>

        <div className="space-y-6 lg:col-span-2">
          <Timeline contactId={c.id} />
          <CustomerEvents contactId={c.id} />
          <OrdersList orders={orders.data?.items ?? []} loading={orders.isLoading} paymentTermsDays={f.payments?.paymentTermsDays} />
          <section aria-labelledby="complaints-title" className="card p-5">
            <h2 id="complaints-title" className="mb-2 text-base font-semibold">
              {t('c360.complaints')} {view.data.complaintsOpen > 0 && <span className="badge bg-rose-50 text-rose-700">{t('c360.open', { count: view.data.complaintsOpen })}</span>}
            </h2>
            {complaints.data?.items.length ? (
              <ul className="divide-y divide-slate-100 text-sm">
                {complaints.data.items.map((x) => (
                  <li key={x.id} className="flex justify-between gap-3 py-2">
                    <span>{x.subject}</span>
                    <span className="text-slate-500">
                      {t(`complaint.${x.status}`)} · {formatDate(x.createdAt)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">{t('c360.noComplaints')}</p>
            )}
          </section>
        </div>
      </div>
      {merging && <MergeDialog keep={c} onClose={() => setMerging(false)} />}
    </div>
  );
}
