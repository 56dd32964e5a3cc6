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

export interface Cluster {
  id: string;
  position: number;
  label: string;
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

export interface SlowingItem {
  contactId: string;
  name: string;
  ownerId: string | null;
  reason: string;
  since: string;
  details: Record<string, unknown>;
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
  details: Record<string, unknown>;
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
