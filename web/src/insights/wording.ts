import { currentLocale } from '../i18n/index.ts';
import { formatNumber, formatPercent } from '../i18n/format.ts';
import type { ClusterLabelParts, SlowingDetails } from './types.ts';

// Sentences the server states in English (a slowing reason, a group's name), worded from the
// figures and parts it sends, in the reader's language. Free of React so test/web can check them.

export type Translate = (key: string, options?: Record<string, unknown>) => string;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The value rule always compares the last 3 orders (src/insights/slowing.ts). */
const RECENT_ORDERS = 3;

/**
 * Why a customer is flagged as slowing. Flags stored before the counts were kept lack
 * earlierOrders (and recentPercent, worked out here from the two averages instead); a flag
 * without even the rule it met gets a general sentence rather than the server's English.
 */
export function slowingReason(t: Translate, d: SlowingDetails | null | undefined): string {
  const parts: string[] = [];
  const days = num(d?.daysSinceLastOrder);
  const factor = num(d?.factor);
  const gap = num(d?.medianGapDays);
  if (d?.byGap && days !== null && factor !== null && gap !== null)
    parts.push(t('insights.slowing.why.gap', { count: days, days: formatNumber(days), factor: formatNumber(factor, 2), gap: formatNumber(gap, 1) }));
  if (d?.byValue) {
    const recent = num(d.recentAvgMinor);
    const earlier = num(d.earlierAvgMinor);
    const percent = num(d.recentPercent) ?? (recent !== null && earlier ? Math.round((100 * recent) / earlier) : null);
    const earlierOrders = num(d.earlierOrders);
    const recentOrders = formatNumber(num(d.recentOrders) ?? RECENT_ORDERS);
    if (percent !== null)
      parts.push(
        earlierOrders !== null
          ? t('insights.slowing.why.value', { recent: recentOrders, percent: formatPercent(percent / 100), earlier: formatNumber(earlierOrders) })
          : t('insights.slowing.why.valueNoCount', { recent: recentOrders, percent: formatPercent(percent / 100) }),
      );
  }
  if (parts.length === 2) return t('insights.slowing.why.both', { first: parts[0], second: parts[1] });
  return parts[0] ?? t('insights.slowing.why.general');
}

/** A group's name in the reader's language; `fallback` (the server's label) for parts it does not know. */
export function clusterName(t: Translate, parts: ClusterLabelParts | null | undefined, fallback: string): string {
  if (!parts) return fallback;
  // A part from a newer server has no text here: the whole name falls back rather than show a key.
  const known = (key: string, options: Record<string, unknown> = {}) => {
    const text = t(key, { ...options, defaultValue: '' });
    return text && text !== key ? text : null;
  };
  let name: string | null;
  if (parts.kind === 'new') name = known(`insights.clusterName.new.${parts.who}`);
  else {
    let who = known(`insights.clusterName.habit.${parts.habit}`);
    if (who && parts.lowValue) who = t('insights.clusterName.lowValue', { who });
    name = who && known(`insights.clusterName.status.${parts.status ?? 'none'}`, { who });
  }
  if (!name) return fallback;
  name = name.charAt(0).toLocaleUpperCase(currentLocale()) + name.slice(1);
  return parts.ordinal > 1 ? t('insights.clusterName.numbered', { name, n: formatNumber(parts.ordinal) }) : name;
}
