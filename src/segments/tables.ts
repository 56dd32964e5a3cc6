import type { Generated } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0009_segments.sql.
export type SegmentKind = 'dynamic' | 'static';

export interface SegmentsTables {
  segments: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    description: string | null;
    kind: SegmentKind;
    rule: Json<unknown> | null;
    depends_on: Generated<string[]>;
    created_by: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    last_built_at: NullableTimestamp;
    last_build_ms: number | null;
    last_entered: number | null;
    last_exited: number | null;
    member_count: Generated<number>;
  };
  segment_members: {
    segment_id: string;
    contact_id: string;
    workspace_id: string;
    since: Timestamp;
  };
  segment_membership_events: {
    id: Generated<string>;
    workspace_id: string;
    segment_id: string;
    contact_id: string;
    change: 'entered' | 'exited';
    cause: 'build' | 'refresh' | 'manual';
    at: Timestamp;
  };
}
