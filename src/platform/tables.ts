import type { ColumnType, Generated } from 'kysely';

// Row types of migrations/0001_platform.sql.
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
export type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;
export type Role = 'admin' | 'marketer' | 'agent' | 'analyst';
export const ROLES: readonly Role[] = ['admin', 'marketer', 'agent', 'analyst'];

export interface PlatformTables {
  workspaces: {
    id: Generated<string>;
    name: string;
    default_country: Generated<string>;
    time_zone: Generated<string>;
    currency: Generated<string>;
    locale: Generated<string>;
    /** Days from order to due date when an order names none (0025). */
    payment_terms_days: Generated<number>;
    /** The order-figure definitions this workspace's stored figures follow (src/orders/figures-upgrade.ts). */
    figures_version: Generated<number>;
    created_at: Timestamp;
  };
  users: {
    id: Generated<string>;
    workspace_id: string;
    email: string;
    name: Generated<string>;
    role: Role;
    password_hash: string;
    must_change_password: Generated<boolean>;
    disabled_at: NullableTimestamp;
    password_changed_at: Timestamp;
    created_at: Timestamp;
  };
  sessions: {
    id: string;
    workspace_id: string;
    user_id: string;
    csrf_token: string;
    created_at: Timestamp;
    last_seen_at: Timestamp;
    expires_at: Timestamp;
  };
  api_keys: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    role: Role;
    prefix: string;
    key_hash: string;
    created_by: string | null;
    created_at: Timestamp;
    last_used_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
  };
  audit_log: {
    id: Generated<string>;
    workspace_id: string;
    actor_user_id: string | null;
    actor_api_key_id: string | null;
    action: string;
    entity: string;
    entity_id: string | null;
    before: Json | null;
    after: Json | null;
    request_id: string | null;
    created_at: Timestamp;
  };
  idempotency_keys: {
    workspace_id: string;
    key: string;
    request_hash: string;
    method: string;
    path: string;
    status_code: number | null;
    response_body: Json | null;
    created_at: Timestamp;
  };
  jobs: {
    id: Generated<string>;
    workspace_id: string;
    kind: string;
    state: Generated<'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'>;
    payload: Json<Record<string, unknown>>;
    progress: Json<Record<string, unknown>>;
    result: Json | null;
    error: string | null;
    attempts: Generated<number>;
    run_after: Timestamp;
    lease_until: NullableTimestamp;
    created_by: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    finished_at: NullableTimestamp;
  };
}
