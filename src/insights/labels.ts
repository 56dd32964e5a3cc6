// Readable names for clusters, derived from where each centroid sits relative to all customers.
// z = the centroid in standard deviations from the workspace mean (log scale), per feature.

export interface CentroidView {
  /** z-scores: recency (higher = longer since last order), frequency, monetary, tenure. */
  z: { recency: number; frequency: number; monetary: number; tenure: number };
  /** Mean orders per customer in the cluster, natural units. */
  avgOrders: number;
}

const HIGH = 0.5;

export function clusterLabel(c: CentroidView): string {
  const { recency, frequency, monetary, tenure } = c.z;
  const lapsed = recency > HIGH;
  const active = recency < -HIGH;
  const oneTime = c.avgOrders < 1.5;
  const big = monetary > HIGH;
  const small = monetary < -HIGH;
  // Recent first orders and a short history: they have not had time to show a pattern yet.
  if (!lapsed && tenure < -HIGH && c.avgOrders < 2.5) return big ? 'New big spenders' : c.avgOrders >= 1.5 ? 'New repeat customers' : 'New customers';
  let noun: string;
  if (oneTime) noun = big ? 'big one-off buyers' : 'one-timers';
  else if (frequency > HIGH) noun = big ? 'frequent big spenders' : 'frequent buyers';
  else noun = big ? 'occasional big spenders' : 'occasional buyers';
  if (small && !oneTime) noun = `low-value ${noun}`;
  const status = lapsed ? 'Lapsed' : active ? 'Active' : '';
  const text = status ? `${status} ${noun}` : noun;
  return text[0].toUpperCase() + text.slice(1);
}

/** Two clusters may earn the same words; number the later ones so a list stays unambiguous. */
export function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
}
