import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client.ts';
import { currentLocale } from '../i18n/index.ts';
import { formatNumber } from '../i18n/format.ts';
import { ErrorNotice, Spinner } from '../ui/states.tsx';
import { fillHours, hourWindow, totals } from './hours.ts';
import type { HourCount } from './types.ts';

const WINDOWS = [24, 24 * 7] as const;

/** Sightings per hour as stacked SVG bars: customers' registered devices under unknown ones. */
export function SightingsChart({ sensorId, sensorName }: { sensorId: string; sensorName: string }) {
  const { t } = useTranslation();
  const [hours, setHours] = useState<(typeof WINDOWS)[number]>(24);
  const { from, to } = hourWindow(new Date(), hours);
  const fromKey = from.toISOString();
  const counts = useQuery({
    queryKey: ['sensor-counts', sensorId, hours, fromKey],
    queryFn: ({ signal }) => get<{ items: HourCount[] }>(`/sensors/${sensorId}/counts?from=${encodeURIComponent(fromKey)}&to=${encodeURIComponent(to.toISOString())}`, signal),
    refetchInterval: 30_000,
  });
  const bars = fillHours(counts.data?.items ?? [], from, to);
  const sum = totals(bars);
  const max = Math.max(1, ...bars.map((b) => b.knownSightings + b.unknownSightings));
  const w = 10;
  const h = 80;
  const fmt = new Intl.DateTimeFormat(currentLocale(), hours <= 24 ? { hour: '2-digit', minute: '2-digit' } : { weekday: 'short', hour: '2-digit' });

  return (
    <figure className="space-y-2" aria-label={t('presence.chart.title', { name: sensorName })}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <figcaption className="text-sm text-slate-600" data-testid="sighting-totals">
          <span className="me-3">
            <span aria-hidden className="me-1 inline-block h-2.5 w-2.5 rounded-sm bg-emerald-500" />
            {t('presence.chart.known', { count: sum.known, formatted: formatNumber(sum.known) })}
          </span>
          <span>
            <span aria-hidden className="me-1 inline-block h-2.5 w-2.5 rounded-sm bg-slate-400" />
            {t('presence.chart.unknown', { count: sum.unknown, formatted: formatNumber(sum.unknown) })}
          </span>
        </figcaption>
        <div role="group" aria-label={t('presence.chart.window')} className="flex gap-1">
          {WINDOWS.map((n) => (
            <button key={n} type="button" aria-pressed={hours === n} className={`rounded-full px-3 py-0.5 text-xs ring-1 ${hours === n ? 'bg-indigo-600 text-white ring-indigo-600' : 'ring-slate-300'}`} onClick={() => setHours(n)}>
              {n === 24 ? t('presence.chart.day') : t('presence.chart.week')}
            </button>
          ))}
        </div>
      </div>
      {counts.isLoading ? (
        <Spinner />
      ) : counts.isError ? (
        <ErrorNotice error={counts.error} />
      ) : (
        <>
          <svg viewBox={`0 0 ${bars.length * w} ${h}`} preserveAspectRatio="none" className="h-24 w-full rtl:-scale-x-100" role="img" aria-label={t('presence.chart.title', { name: sensorName })}>
            {bars.map((b, i) => {
              const known = (b.knownSightings / max) * (h - 4);
              const unknown = (b.unknownSightings / max) * (h - 4);
              const label = `${fmt.format(new Date(b.hour))}: ${t('presence.chart.known', { count: b.knownSightings, formatted: formatNumber(b.knownSightings) })}, ${t('presence.chart.unknown', { count: b.unknownSightings, formatted: formatNumber(b.unknownSightings) })}`;
              return (
                <g key={b.hour}>
                  <title>{label}</title>
                  <rect x={i * w + 1} y={h - known - unknown} width={w - 2} height={unknown} className="fill-slate-400" />
                  <rect x={i * w + 1} y={h - known} width={w - 2} height={known} className="fill-emerald-500" />
                </g>
              );
            })}
          </svg>
          <div className="flex justify-between text-xs text-slate-500">
            <span>{fmt.format(from)}</span>
            <span>{fmt.format(new Date(to.getTime() - 3_600_000))}</span>
          </div>
        </>
      )}
    </figure>
  );
}
