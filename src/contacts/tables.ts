import type { Generated } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0002_contacts.sql.
export type ContactKind = 'person' | 'company';
export type IdentityKind = 'email' | 'phone' | 'external';
export type AttributeType = 'text' | 'number' | 'date' | 'boolean' | 'choice';

export interface ContactsTables {
  contacts: {
    id: Generated<string>;
    workspace_id: string;
    kind: ContactKind;
    first_name: string | null;
    last_name: string | null;
    name: string;
    company_id: string | null;
    emails: Generated<string[]>;
    phones: Generated<string[]>;
    external_ids: Generated<string[]>;
    locale: string | null;
    time_zone: string | null;
    birthday: string | null;
    owner_id: string | null;
    source: string | null;
    tags: Generated<string[]>;
    attributes: Json<Record<string, unknown>>;
    merged_into: string | null;
    deleted_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  contact_identities: {
    workspace_id: string;
    kind: IdentityKind;
    value: string;
    contact_id: string;
  };
  /** migrations/0006: one row per tag of a live contact, kept by the contact_tags_sync trigger. */
  contact_tags: {
    workspace_id: string;
    kind: ContactKind;
    tag: string;
    name_key: string;
    contact_id: string;
  };
  attribute_definitions: {
    workspace_id: string;
    key: string;
    label: string;
    type: AttributeType;
    choices: string[] | null;
    applies_to: Generated<'person' | 'company' | 'both'>;
    created_at: Timestamp;
  };
  interactions: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    channel: string;
    type: string;
    direction: Generated<'inbound' | 'outbound' | 'internal'>;
    occurred_at: Timestamp;
    summary: Generated<string>;
    body: string | null;
    ref_type: string | null;
    ref_id: string | null;
    author_user_id: string | null;
    linked: Json<Array<{ type: string; id: string }>>;
    created_at: Timestamp;
  };
}
