import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0008_events.sql (and later events migrations).
export type EventType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';

export interface EventsTables extends EventSensorTables {
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

// Row types of migrations/0011_events_sensors.sql.
export interface EventSensorTables {
  event_sources: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    prefix: string;
    key_hash: string;
    created_by: string | null;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  presence_secrets: { workspace_id: string; secret: string; created_at: Generated<Date> };
  stores: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    address: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  sensors: {
    id: Generated<string>;
    workspace_id: string;
    store_id: string;
    name: string;
    token_prefix: string;
    token_hash: string;
    created_at: Generated<Date>;
    last_seen_at: Date | null;
    revoked_at: Date | null;
  };
  devices: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    mac_hash: string;
    label: string | null;
    consent_text: string;
    consent_at: Date;
    consent_source: string;
    created_at: Generated<Date>;
    withdrawn_at: Date | null;
  };
  store_visits: {
    workspace_id: string;
    store_id: string;
    contact_id: string;
    window_start: Date;
    first_seen_at: Date;
    last_seen_at: Date;
    sightings: Generated<number>;
    sensor_id: string;
  };
  sensor_hourly_counts: {
    workspace_id: string;
    sensor_id: string;
    hour: Date;
    unknown_sightings: Generated<number>;
    known_sightings: Generated<number>;
  };
}
