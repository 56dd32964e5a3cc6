import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0008_events.sql (and later events migrations).
export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

export interface EventsTables {
  events: {
    id: Generated<string>;
    workspace_id: string;
    message_id: string;
    type: EventType;
    event: string | null;
    contact_id: string | null;
    anonymous_id: string | null;
    user_id: string | null;
    properties: Json<Record<string, unknown>>;
    context: Json<Record<string, unknown>>;
    occurred_at: Timestamp;
    received_at: Timestamp;
  };
  event_identities: {
    workspace_id: string;
    anonymous_id: string;
    contact_id: string;
    created_at: Timestamp;
  };
}
