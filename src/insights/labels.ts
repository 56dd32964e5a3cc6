// Readable names for clusters, derived from where each centroid sits relative to all customers.
// z = the centroid in standard deviations from the workspace mean (log scale), per feature.
//
// A name is made of parts (ClusterLabelParts), stored with the group and returned by the API, so
// the web app can word it in the reader's language; `englishLabel` words the same parts for the
// `label` field (API clients, and the default name of a group saved as a segment through the API).

export interface CentroidView {
  /** z-scores: recency (higher = longer since last order), frequency, monetary, tenure. */
  z: { recency: number; frequency: number; monetary: number; tenure: number };
  /** Mean orders per customer in the cluster, natural units. */
  avgOrders: number;
}

export const NEW_KINDS = ['bigSpenders', 'repeatCustomers', 'customers'] as const;
export const HABITS = ['bigOneOffBuyers', 'oneTimers', 'frequentBigSpenders', 'frequentBuyers', 'occasionalBigSpenders', 'occasionalBuyers'] as const;
export const STATUSES = ['lapsed', 'active'] as const;

/** `ordinal` > 1 numbers a group that earned the same words as an earlier (larger) one. */
export type ClusterLabelParts =
  | { kind: 'new'; who: (typeof NEW_KINDS)[number]; ordinal: number }
  | { kind: 'habit'; habit: (typeof HABITS)[number]; status: (typeof STATUSES)[number] | null; lowValue: boolean; ordinal: number };

const HIGH = 0.5;

export function clusterLabelParts(c: CentroidView): ClusterLabelParts {
  const { recency, frequency, monetary, tenure } = c.z;
  const lapsed = recency > HIGH;
  const active = recency < -HIGH;
  const oneTime = c.avgOrders < 1.5;
  const big = monetary > HIGH;
  const small = monetary < -HIGH;
  // Recent first orders and a short history: they have not had time to show a pattern yet.
  if (!lapsed && tenure < -HIGH && c.avgOrders < 2.5) return { kind: 'new', who: big ? 'bigSpenders' : c.avgOrders >= 1.5 ? 'repeatCustomers' : 'customers', ordinal: 1 };
  let habit: (typeof HABITS)[number];
  if (oneTime) habit = big ? 'bigOneOffBuyers' : 'oneTimers';
  else if (frequency > HIGH) habit = big ? 'frequentBigSpenders' : 'frequentBuyers';
  else habit = big ? 'occasionalBigSpenders' : 'occasionalBuyers';
  return { kind: 'habit', habit, status: lapsed ? 'lapsed' : active ? 'active' : null, lowValue: small && !oneTime, ordinal: 1 };
}

const NEW_WORDS: Record<(typeof NEW_KINDS)[number], string> = { bigSpenders: 'New big spenders', repeatCustomers: 'New repeat customers', customers: 'New customers' };
const HABIT_WORDS: Record<(typeof HABITS)[number], string> = {
  bigOneOffBuyers: 'big one-off buyers',
  oneTimers: 'one-timers',
  frequentBigSpenders: 'frequent big spenders',
  frequentBuyers: 'frequent buyers',
  occasionalBigSpenders: 'occasional big spenders',
  occasionalBuyers: 'occasional buyers',
};
const STATUS_WORDS = { lapsed: 'Lapsed', active: 'Active' } as const;

export function englishLabel(p: ClusterLabelParts): string {
  let text: string;
  if (p.kind === 'new') text = NEW_WORDS[p.who];
  else {
    const noun = p.lowValue ? `low-value ${HABIT_WORDS[p.habit]}` : HABIT_WORDS[p.habit];
    text = p.status ? `${STATUS_WORDS[p.status]} ${noun}` : noun;
  }
  text = text[0].toUpperCase() + text.slice(1);
  return p.ordinal > 1 ? `${text} (${p.ordinal})` : text;
}

export function clusterLabel(c: CentroidView): string {
  return englishLabel(clusterLabelParts(c));
}

/** Two clusters may earn the same words; number the later ones so a list stays unambiguous. */
export function uniqueLabels(parts: ClusterLabelParts[]): ClusterLabelParts[] {
  const seen = new Map<string, number>();
  return parts.map((p) => {
    const words = englishLabel({ ...p, ordinal: 1 });
    const n = (seen.get(words) ?? 0) + 1;
    seen.set(words, n);
    return { ...p, ordinal: n };
  });
}

/** Every name the rules above can give, by its English wording. */
const BY_WORDS = new Map<string, ClusterLabelParts>([
  ...NEW_KINDS.map((who) => ({ kind: 'new' as const, who, ordinal: 1 })),
  ...HABITS.flatMap((habit) =>
    [null, ...STATUSES].flatMap((status) =>
      [false, true].filter((low) => !low || (habit !== 'oneTimers' && habit !== 'bigOneOffBuyers')).map((lowValue) => ({ kind: 'habit' as const, habit, status, lowValue, ordinal: 1 })),
    ),
  ),
].map((p) => [englishLabel(p), p]));

/**
 * The parts of a name stored before groups kept them (migration 0024): the English wording is
 * one-to-one with the parts, so it reads back. Null for a name these rules never give.
 */
export function partsFromEnglish(label: string): ClusterLabelParts | null {
  const m = /^(.*?)(?: \((\d+)\))?$/.exec(label);
  const parts = m ? BY_WORDS.get(m[1]) : undefined;
  return parts ? { ...parts, ordinal: m?.[2] ? Number(m[2]) : 1 } : null;
}
