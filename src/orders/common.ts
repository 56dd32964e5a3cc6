import { sql } from 'kysely';
import { normalizeEmail, normalizePhone } from '../contacts/normalize.ts';
import { decodeCursor, encodeCursor, type Executor } from '../platform/http.ts';
import { NotFound, ValidationError } from '../platform/errors.ts';

// Helpers shared by every orders service: money conversion, the workspace's settings, contact
// resolution and the per-customer lock that keeps the order figures exact under concurrency.

/**
 * The one place driver values become JS numbers: pg returns bigint/numeric as strings, PGlite
 * returns int8 as numbers. Amounts are capped far below 2^53 by the request schemas.
 */
export function toNumber(v: string | number | bigint | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return Number(v);
}

export function toNumberOrNull(v: string | number | bigint | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export function iso(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

const fractionDigits = new Map<string, number>();

/** Digits after the decimal mark of a currency's minor unit: 2 for EUR, 0 for JPY (2 if unknown). */
export function currencyDigits(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/** "12.50 EUR" for timeline summaries; currencies without cents (JPY) get none. */
export function formatMoney(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
}

export interface WorkspaceSettings {
  currency: string;
  defaultCountry: string;
  paymentTermsDays: number;
}

export async function workspaceSettings(db: Executor, workspaceId: string): Promise<WorkspaceSettings> {
  const ws = await db
    .selectFrom('workspaces')
    .select(['currency', 'default_country', 'payment_terms_days'])
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  if (!ws) throw new NotFound('Workspace');
  return { currency: ws.currency, defaultCountry: ws.default_country, paymentTermsDays: Number(ws.payment_terms_days) };
}

export type ContactRef = { email: string } | { phone: string } | { externalId: string };

/**
 * Finds the live customer an order or payment belongs to. A contact merged away resolves to
 * the one it was merged into, so a shop holding an old id still reaches the right record.
 */
export async function resolveContact(
  db: Executor,
  workspaceId: string,
  ref: { contactId?: string; contact?: ContactRef },
  settings: WorkspaceSettings,
): Promise<string> {
  let id = ref.contactId;
  if (!id && ref.contact) id = await contactByIdentity(db, workspaceId, ref.contact, settings);
  if (!id) throw new NotFound('Contact');
  for (let hop = 0; hop < 5; hop++) {
    const row = await db
      .selectFrom('contacts')
      .select(['id', 'merged_into', 'deleted_at'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.deleted_at) throw new NotFound('Contact');
    if (!row.merged_into) return row.id;
    id = row.merged_into;
  }
  throw new NotFound('Contact');
}

async function contactByIdentity(db: Executor, workspaceId: string, ref: ContactRef, settings: WorkspaceSettings): Promise<string | undefined> {
  let kind: 'email' | 'phone' | 'external';
  let value: string;
  if ('email' in ref) {
    const n = normalizeEmail(ref.email);
    if (!n.ok) throw ValidationError.field('contact.email', n.reason);
    [kind, value] = ['email', n.value];
  } else if ('phone' in ref) {
    const n = normalizePhone(ref.phone, settings.defaultCountry);
    if (!n.ok) throw ValidationError.field('contact.phone', n.reason);
    [kind, value] = ['phone', n.value];
  } else {
    [kind, value] = ['external', ref.externalId.trim()];
  }
  const row = await db
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .executeTakeFirst();
  return row?.contact_id;
}

/**
 * Serialises writes that change one customer's order figures. Without it two concurrent orders
 * for the same customer would each recompute from a snapshot missing the other and the last
 * commit would win with a stale count. The lock is the contact row itself (FOR NO KEY UPDATE,
 * held to the end of the transaction): a merge or edit of that contact already takes the same
 * row lock, so every path locks "contact first" and cannot deadlock against an order write.
 * Ids are locked one by one in sorted order so two merges cannot deadlock either.
 */
export async function lockCustomerFigures(db: Executor, workspaceId: string, contactIds: string[]): Promise<void> {
  for (const id of [...new Set(contactIds)].sort()) {
    await db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).forNoKeyUpdate().execute();
  }
}

/**
 * Keyset cursor over (timestamp, id). The timestamp travels as UTC text with microseconds
 * (selected with cursorTime()), because a JS Date would round to milliseconds and skip rows.
 */
export function timeCursor(at: string, id: string): string {
  return encodeCursor([at, id]);
}

export function cursorTime(column: string) {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function readTimeCursor(cursor: string | undefined): { at: string; id: string } | null {
  const parts = decodeCursor(cursor, 2);
  if (!parts) return null;
  const [at, id] = parts;
  if (typeof at !== 'string' || typeof id !== 'string' || !CURSOR_TIME.test(at) || !UUID.test(id)) {
    throw ValidationError.field('query.cursor', 'Invalid cursor');
  }
  return { at, id };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
