import { useTranslation } from 'react-i18next';
import { formatDate, formatPercent } from '../i18n/format.ts';
import { Row } from './FigureRow.tsx';
import type { PaymentReliability } from './types.ts';

/** How the customer pays, as rows of the order figures list (definitions: src/orders/figures.ts). */
export function PaymentFigures({ p }: { p: PaymentReliability }) {
  const { t } = useTranslation();
  const settled = p.settledOrders > 0 && p.onTimeShare !== null;
  return (
    <>
      <Row label={t('c360.paidOnTime')} testId="paid-on-time">
        {settled ? (
          t('c360.paidOnTimeValue', { onTime: p.settledOrders - p.lateOrders, settled: p.settledOrders, percent: formatPercent(p.onTimeShare) })
        ) : (
          <span className="text-slate-500">{t('c360.noPaidOrders')}</span>
        )}
      </Row>
      {settled && p.averageDaysLate !== null && <Row label={t('c360.averageDelay')} testId="payment-average-delay">{t('c360.days', { count: Math.round(p.averageDaysLate * 10) / 10 })}</Row>}
      {p.oldestUnpaidDueAt && p.daysOverdue > 0 ? (
        <Row tone="warning" label={t('c360.overdueSince')} testId="payment-overdue">
          {t('c360.overdueValue', { date: formatDate(p.oldestUnpaidDueAt), days: t('c360.days', { count: p.daysOverdue }) })}
        </Row>
      ) : (
        p.oldestUnpaidDueAt && (
          <Row label={t('c360.nextDue')} testId="payment-next-due">
            {formatDate(p.oldestUnpaidDueAt)}
          </Row>
        )
      )}
    </>
  );
}
