import { sql } from 'kysely';
import { DomainError, NotFound } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import type { ContactKind } from './tables.ts';

// How a contact row leaves the database and becomes the API's camelCase shape, and the one
// place that decides what "not found" means for a contact (deleted, other workspace, merged away).

export interface Contact {
  id: string;
  kind: ContactKind;
  firstName: string | null;
  lastName: string | null;
  name: string;
  companyId: string | null;
  emails: string[];
  phones: string[];
  externalIds: string[];
  locale: string | null;
  timeZone: string | null;
  birthday: string | null;
  ownerId: string | null;
  source: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** Columns of a contact; birthday as text because the pg driver would turn a date into local midnight. */
export const CONTACT_COLUMNS = [
  'c.id',
  'c.kind',
  'c.first_name',
  'c.last_name',
  'c.name',
  'c.company_id',
  'c.emails',
  'c.phones',
  'c.external_ids',
  'c.locale',
  'c.time_zone',
  sql<string | null>`c.birthday::text`.as('birthday'),
  'c.owner_id',
  'c.source',
  'c.tags',
  'c.attributes',
  'c.created_at',
  'c.updated_at',
] as const;

/** Timestamps as Date.prototype.toISOString writes them: milliseconds, truncated like the pg driver's parse. */
const isoText = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A contact already in its API shape (toContact's keys, in its order), built by the database as
 * one json value: for pages of contacts the driver then parses one JSON text per row instead of
 * eighteen columns with four arrays and two dates, which was a fifth of the search's Node CPU.
 * contacts/search.test.ts holds it equal to toContact.
 */
export const CONTACT_JSON = sql<Contact>`json_build_object(
  'id', c.id, 'kind', c.kind, 'firstName', c.first_name, 'lastName', c.last_name, 'name', c.name,
  'companyId', c.company_id, 'emails', c.emails, 'phones', c.phones, 'externalIds', c.external_ids,
  'locale', c.locale, 'timeZone', c.time_zone, 'birthday', c.birthday::text, 'ownerId', c.owner_id,
  'source', c.source, 'tags', c.tags, 'attributes', c.attributes,
  'createdAt', ${isoText('c.created_at')}, 'updatedAt', ${isoText('c.updated_at')})`;

export interface ContactRow {
  id: string;
  kind: ContactKind;
  first_name: string | null;
  last_name: string | null;
  name: string;
  company_id: string | null;
  emails: string[];
  phones: string[];
  external_ids: string[];
  locale: string | null;
  time_zone: string | null;
  birthday: string | null;
  owner_id: string | null;
  source: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    kind: r.kind,
    firstName: r.first_name,
    lastName: r.last_name,
    name: r.name,
    companyId: r.company_id,
    emails: r.emails,
    phones: r.phones,
    externalIds: r.external_ids,
    locale: r.locale,
    timeZone: r.time_zone,
    birthday: r.birthday,
    ownerId: r.owner_id,
    source: r.source,
    tags: r.tags,
    attributes: (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) ?? {},
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** The display name kept in `name`: "First Last", trimmed. */
export function personName(first: string | null | undefined, last: string | null | undefined): string {
  return [first ?? '', last ?? ''].map((s) => s.trim()).filter(Boolean).join(' ');
}

export const KIND_LABEL: Record<ContactKind, string> = { person: 'Person', company: 'Company' };

/**
 * A merged-away contact answers 404 (it is no longer a record of its own) but says where it went:
 * error.fields.mergedInto = [keptId], so a client holding an old link can follow it.
 */
export class MergedAway extends DomainError {
  constructor(
    what: string,
    readonly mergedInto: string,
  ) {
    super('not_found', `${what} was merged into ${mergedInto}`, { mergedInto: [mergedInto] });
  }
}

/**
 * Loads a live contact of the workspace, optionally of one kind; `forUpdate` locks the row for the
 * rest of the request's transaction so concurrent edits and merges serialise on it.
 */
export async function loadContact(
  db: Executor,
  workspaceId: string,
  id: string,
  opts: { kind?: ContactKind; forUpdate?: boolean } = {},
): Promise<ContactRow> {
  const what = opts.kind ? KIND_LABEL[opts.kind] : 'Contact';
  let q = db
    .selectFrom('contacts as c')
    .select([...CONTACT_COLUMNS, 'c.merged_into', 'c.deleted_at'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || row.deleted_at || (opts.kind && row.kind !== opts.kind)) throw new NotFound(what);
  if (row.merged_into) throw new MergedAway(what, await finalTarget(db, workspaceId, row.merged_into));
  return row;
}

/** Follows merged_into to the surviving record (merges re-point old chains, so this is one hop). */
async function finalTarget(db: Executor, workspaceId: string, id: string): Promise<string> {
  let current = id;
  for (let hops = 0; hops < 10; hops++) {
    const r = await db
      .selectFrom('contacts')
      .select('merged_into')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', current)
      .executeTakeFirst();
    if (!r?.merged_into) return current;
    current = r.merged_into;
  }
  return current;
}
