import { useTranslation } from 'react-i18next';
import { currentLocale } from '../i18n/index.ts';
import { formatNumber } from '../i18n/format.ts';
import { sizeByDay } from './health.ts';
import type { DailyHistory } from './types.ts';

/**
 * Entries (up) and exits (down) per day as SVG bars, the size at the end of each day as a line.
 * Time runs in the reading direction, so it starts on the right in right-to-left languages.
 * The same figures are available as a table for screen readers and exact values.
 */
export function HistoryChart({ history }: { history: DailyHistory }) {
  const { t } = useTranslation();
  const days = history.days;
  const sizes = sizeByDay(history);
  const rtl = typeof document !== 'undefined' && document.documentElement.dir === 'rtl';
  const w = 10;
  const width = days.length * w;
  const H = 120;
  const mid = 70;
  const maxChange = Math.max(1, ...days.map((d) => Math.max(d.entered, d.exited)));
  const maxSize = Math.max(1, ...sizes);
  const x = (i: number) => (rtl ? width - (i + 1) * w : i * w);
  const bar = (n: number, room: number) => (n / maxChange) * room;
  const line = sizes.map((s, i) => `${x(i) + w / 2},${mid - 4 - (s / maxSize) * (mid - 8)}`).join(' ');
  const fmt = new Intl.DateTimeFormat(currentLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const label = (day: string) => fmt.format(new Date(day + 'T00:00:00Z'));
  const totals = days.reduce((a, d) => ({ entered: a.entered + d.entered, exited: a.exited + d.exited }), { entered: 0, exited: 0 });

  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${H}`} className="h-40 w-full" preserveAspectRatio="none" role="img" aria-label={t('segments.history.chartLabel', { days: days.length, entered: totals.entered, exited: totals.exited })}>
        <line x1={0} x2={width} y1={mid} y2={mid} className="stroke-slate-300" strokeWidth={0.5} />
        {days.map((d, i) => (
          <g key={d.day}>
            <title>{t('segments.history.dayTitle', { day: label(d.day), entered: d.entered, exited: d.exited, size: sizes[i] })}</title>
            <rect x={x(i) + 1} y={mid - bar(d.entered, mid - 4)} width={w - 2} height={bar(d.entered, mid - 4)} className="fill-emerald-500" />
            <rect x={x(i) + 1} y={mid} width={w - 2} height={bar(d.exited, H - mid - 2)} className="fill-rose-400" />
          </g>
        ))}
        <polyline points={line} fill="none" className="stroke-indigo-600" strokeWidth={1.2} vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="mt-1 flex flex-wrap justify-between gap-2 text-xs text-slate-500">
        <span>{label(days[0].day)}</span>
        <span className="flex gap-3">
          <span><span className="me-1 inline-block h-2 w-2 rounded-sm bg-emerald-500" aria-hidden />{t('segments.history.entered')}</span>
          <span><span className="me-1 inline-block h-2 w-2 rounded-sm bg-rose-400" aria-hidden />{t('segments.history.exited')}</span>
          <span><span className="me-1 inline-block h-0.5 w-3 bg-indigo-600 align-middle" aria-hidden />{t('segments.history.size')}</span>
        </span>
        <span>{label(days[days.length - 1].day)}</span>
      </figcaption>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-indigo-700">{t('segments.history.asTable')}</summary>
        <div className="max-h-64 overflow-auto">
          <table className="table" aria-label={t('segments.history.tableLabel')}>
            <thead>
              <tr>
                <th scope="col">{t('segments.history.day')}</th>
                <th scope="col">{t('segments.history.entered')}</th>
                <th scope="col">{t('segments.history.exited')}</th>
                <th scope="col">{t('segments.history.size')}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d, i) => (
                <tr key={d.day}>
                  <td>{label(d.day)}</td>
                  <td>{formatNumber(d.entered)}</td>
                  <td>{formatNumber(d.exited)}</td>
                  <td>{formatNumber(sizes[i])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
