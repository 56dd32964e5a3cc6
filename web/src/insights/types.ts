// Shapes of the insights API (src/insights/routes.ts) as the screens use them.

export interface Job {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | string;
  progress: Record<string, unknown> | null;
  result: unknown;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A group's name as parts (src/insights/labels.ts); wording.ts words it in the reader's language. */
export type ClusterLabelParts =
  | { kind: 'new'; who: string; ordinal: number }
  | { kind: 'habit'; habit: string; status: string | null; lowValue: boolean; ordinal: number };

export interface Cluster {
  id: string;
  position: number;
  /** English, for API clients; the screens word `labelParts`. */
  label: string;
  labelParts: ClusterLabelParts | null;
  size: number;
  avgOrderMinor: number;
  medianGapDays: number | null;
  centroid: { daysSinceLastOrder?: number; orders?: number; totalMinor?: number; tenureDays?: number };
}

export interface ClusterRun {
  runId: string;
  k: number;
  customers: number;
  iterations: number;
  createdAt: string;
  suggestedK: number | null;
  kScores: Array<{ k: number; score?: number; silhouette?: number }>;
  clusters: Cluster[];
}

export interface RfmDistribution {
  computedAt: string | null;
  customers: number;
  segments: Array<{ segment: string; customers: number }>;
  cells: Array<{ r: number; f: number; customers: number; segment: string }>;
  r: Array<{ score: number; customers: number }>;
  f: Array<{ score: number; customers: number }>;
  m: Array<{ score: number; customers: number }>;
}

/**
 * The figures behind a slowing flag (src/insights/slowing.ts). Flags stored before
 * recentOrders/earlierOrders/recentPercent were kept lack those; anything may be missing in a
 * flag from an older or newer server.
 */
export interface SlowingDetails {
  byGap?: boolean;
  byValue?: boolean;
  daysSinceLastOrder?: number;
  medianGapDays?: number | null;
  factor?: number;
  ratio?: number;
  recentAvgMinor?: number | null;
  earlierAvgMinor?: number | null;
  recentOrders?: number | null;
  earlierOrders?: number | null;
  recentPercent?: number | null;
}

export interface SlowingItem {
  contactId: string;
  name: string;
  ownerId: string | null;
  /** English, for API clients; the screens word `details` (wording.ts). */
  reason: string;
  since: string;
  details: SlowingDetails;
}

export interface ValuableItem {
  rank: number;
  contactId: string;
  name: string;
  ownerId: string | null;
  valueMinor: number;
  orders: number;
}

export interface Flag {
  flag: string;
  reason: string;
  since: string;
  details: SlowingDetails;
  computedAt: string;
}

export interface ContactSegment {
  id: string;
  name: string;
  kind: 'dynamic' | 'static';
  since: string;
}

export interface InsightSettings {
  slowingGapFactor: number;
  slowingValueRatio: number;
}

import type { PaymentReliability } from '../customers/types.ts';

export type { PaymentReliability };

/** A customer who owes money (GET /receivables). Amounts in minor units of `currency`. */
export interface Receivable {
  contactId: string;
  name: string;
  amountDueMinor: number;
  totalMinor: number;
  orderCount: number;
  lastOrderAt: string | null;
  currency: string;
  payments: PaymentReliability;
}

export type ReceivablesSort = 'amount' | 'overdue';
