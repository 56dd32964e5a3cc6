import { useTranslation } from 'react-i18next';
import { currentLocale } from '../i18n/index.ts';
import type { OrderSummary } from './types.ts';

/** Orders per month over the last two years as small SVG bars: no chart library for one picture. */
export function OrdersChart({ orders }: { orders: OrderSummary[] }) {
  const { t } = useTranslation();
  const now = new Date();
  const months = Array.from({ length: 24 }, (_, i) => new Date(now.getFullYear(), now.getMonth() - 23 + i, 1));
  const counts = months.map((m) =>
    orders.filter((o) => {
      const d = new Date(o.orderedAt);
      return d.getFullYear() === m.getFullYear() && d.getMonth() === m.getMonth();
    }).length,
  );
  const max = Math.max(1, ...counts);
  const fmt = new Intl.DateTimeFormat(currentLocale(), { month: 'short', year: '2-digit' });
  const w = 12;
  return (
    <figure>
      <svg viewBox={`0 0 ${months.length * w} 60`} className="h-20 w-full" role="img" aria-label={t('c360.ordersChart')}>
        {counts.map((c, i) => (
          <rect key={i} x={i * w + 1} y={60 - (c / max) * 56} width={w - 2} height={(c / max) * 56} rx={1} className="fill-indigo-400">
            <title>{`${fmt.format(months[i])}: ${c}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="mt-1 flex justify-between text-xs text-slate-500">
        <span>{fmt.format(months[0])}</span>
        <span>{fmt.format(months[months.length - 1])}</span>
      </figcaption>
    </figure>
  );
}
