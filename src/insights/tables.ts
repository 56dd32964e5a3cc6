import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0010_insights.sql, declared by the insights capability.

type Numeric = ColumnType<string, string | number, string | number>;
type BigintMinor = ColumnType<string, string | number | bigint | undefined, string | number | bigint>;

export interface InsightsTables {
  contact_rfm: {
    contact_id: string;
    workspace_id: string;
    r: number;
    f: number;
    m: number;
    segment: string;
    computed_at: Timestamp;
  };
  insight_cluster_runs: {
    id: Generated<string>;
    workspace_id: string;
    k: number;
    customers: number;
    iterations: number;
    inertia: number;
    features: Json<unknown>;
    job_id: string | null;
    created_by: string | null;
    created_at: Timestamp;
  };
  insight_clusters: {
    id: Generated<string>;
    workspace_id: string;
    run_id: string;
    position: number;
    label: string;
    /** labels.ts ClusterLabelParts; null for groups found before migration 0024. */
    label_parts: ColumnType<unknown, string | null | undefined, string | null>;
    size: number;
    avg_order_minor: BigintMinor;
    median_gap_days: ColumnType<string | null, string | number | null | undefined, string | number | null>;
    centroid: Json<Record<string, number>>;
    center: ColumnType<number[] | null, number[] | null | undefined, number[] | null>;
  };
  contact_cluster: {
    contact_id: string;
    workspace_id: string;
    run_id: string;
    cluster_id: string;
  };
  insight_settings: {
    workspace_id: string;
    slowing_gap_factor: Numeric;
    slowing_value_ratio: Numeric;
    updated_at: Timestamp;
  };
  contact_flags: {
    contact_id: string;
    workspace_id: string;
    flag: 'slowing';
    reason: string;
    details: Json<Record<string, unknown>>;
    since: Timestamp;
    computed_at: Timestamp;
  };
}
