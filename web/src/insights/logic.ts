import type { Job, ReceivablesSort } from './types.ts';

// Front-end rules of the insights screens, free of React so test/web can check them.

/** The RFM labels of src/insights/rfm.ts, each with the i18n key of its readable name. */
export const RFM_SEGMENTS = [
  ['Champions', 'champions'],
  ['Loyal customers', 'loyal'],
  ['Potential loyalists', 'potentialLoyalists'],
  ['New customers', 'newCustomers'],
  ['Promising', 'promising'],
  ['Need attention', 'needAttention'],
  ['About to sleep', 'aboutToSleep'],
  ["Can't lose them", 'cantLose'],
  ['At risk', 'atRisk'],
  ['Hibernating', 'hibernating'],
] as const;

/** i18n key of an RFM label; an unknown label (a newer server) is shown as it comes. */
export function rfmLabelKey(segment: string): string | null {
  const hit = RFM_SEGMENTS.find(([label]) => label === segment);
  return hit ? `insights.rfm.segment.${hit[1]}` : null;
}

export const JOB_POLL_MS = 1000;

/** A job still worth polling. */
export function jobRunning(job: Pick<Job, 'state'> | null | undefined): boolean {
  return !!job && (job.state === 'queued' || job.state === 'running');
}

/** What to show about a job: its phase while it runs, or how it ended. */
export function jobStatusKey(job: Pick<Job, 'state' | 'progress'> | null | undefined): string | null {
  if (!job) return null;
  if (job.state === 'queued') return 'insights.job.queued';
  if (job.state === 'running') {
    const phase = job.progress?.phase;
    return phase === 'loading' || phase === 'clustering' || phase === 'storing' ? `insights.job.${phase}` : 'insights.job.running';
  }
  if (job.state === 'failed') return 'insights.job.failed';
  return null;
}

/** k the form sends: a whole number 2–20, or 'auto'; anything else is an error key. */
export function parseK(input: string): { k: number | 'auto' } | { error: string } {
  const v = input.trim().toLowerCase();
  if (v === 'auto' || v === '') return { k: 'auto' };
  if (!/^\d+$/.test(v)) return { error: 'insights.clusters.kInvalid' };
  const k = Number(v);
  return k >= 2 && k <= 20 ? { k } : { error: 'insights.clusters.kInvalid' };
}

/** Windows offered for the valuable ranking, in days. */
export const VALUE_WINDOWS = [30, 90, 180, 365, 730] as const;

/** The slowing list's query: mine (the default) or everyone's, one page after `cursor`. */
export function slowingPath(scope: 'mine' | 'all', cursor?: string | null, limit = 50): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (scope === 'mine') q.set('ownerId', 'me');
  if (cursor) q.set('cursor', cursor);
  return `/insights/slowing?${q}`;
}

/** Share of all customers in a group, for the bar beside it (0–100, one decimal). */
export function share(part: number, total: number): number {
  if (!total || part <= 0) return 0;
  return Math.round((1000 * part) / total) / 10;
}

/** The falling-value share the settings form accepts, in percent: above 0 and below 100 (the server keeps 0–1 exclusive). */
export function parsePercent(input: string): number | null {
  if (!input.trim()) return null;
  const v = Number(input.replace(',', '.'));
  return Number.isFinite(v) && v > 0 && v < 100 ? v : null;
}

/** Slowing factor the settings form accepts (the server checks the same bounds). */
export function parseFactor(input: string): number | null {
  const v = Number(input.replace(',', '.'));
  return Number.isFinite(v) && v >= 1 && v <= 20 ? v : null;
}

/** The receivables list's query: largest amount due first, or (overdue) only those past due, longest first. */
export function receivablesPath(sort: ReceivablesSort, cursor?: string | null, limit = 50, scope: 'all' | 'mine' = 'all'): string {
  const q = new URLSearchParams({ sort, limit: String(limit) });
  if (scope === 'mine') q.set('ownerId', 'me');
  if (cursor) q.set('cursor', cursor);
  return `/receivables?${q}`;
}

/**
 * How the receivables list words a customer's oldest unpaid due date: whole days overdue, due
 * within the last day (the server counts a payment less than a day late as on time), still ahead,
 * or no due date at all (nothing unpaid in the workspace currency).
 */
export function overdueState(p: { oldestUnpaidDueAt: string | null; daysOverdue: number }, now = Date.now()): 'overdue' | 'dueToday' | 'notDue' | 'none' {
  if (p.daysOverdue > 0) return 'overdue';
  if (!p.oldestUnpaidDueAt) return 'none';
  return Date.parse(p.oldestUnpaidDueAt) <= now ? 'dueToday' : 'notDue';
}
