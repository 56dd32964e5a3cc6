import { Conflict } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import type { IdentityKind } from './tables.ts';

// contact_identities mirrors each live contact's e-mails, phones and external ids, so that
// "who is +358401234567?" is one primary-key lookup and an identity can name only one live
// contact per workspace. Deleted contacts release theirs; merges move them.

export interface IdentitySet {
  emails: string[];
  phones: string[];
  externalIds: string[];
}

interface Wanted {
  kind: IdentityKind;
  value: string;
  field: string;
}

function wanted(set: IdentitySet): Wanted[] {
  return [
    ...set.emails.map((value, i) => ({ kind: 'email' as const, value, field: `emails.${i}` })),
    ...set.phones.map((value, i) => ({ kind: 'phone' as const, value, field: `phones.${i}` })),
    ...set.externalIds.map((value, i) => ({ kind: 'external' as const, value, field: `externalIds.${i}` })),
  ];
}

const LABEL: Record<IdentityKind, string> = { email: 'e-mail', phone: 'phone', external: 'external id' };

/**
 * Makes the contact's identity rows equal to `set`. An identity held by another live contact is a
 * 409 naming the field and that contact (fields[field] = ["Already used by contact <id>"]).
 * Runs inside the request's transaction; the primary key still refuses a concurrent duplicate.
 */
export async function syncIdentities(db: Executor, workspaceId: string, contactId: string, set: IdentitySet): Promise<void> {
  const want = wanted(set);
  const key = (k: string, v: string) => `${k}\u0000${v}`;
  if (want.length > 0) {
    const taken = await db
      .selectFrom('contact_identities')
      .select(['kind', 'value', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', 'in', [...new Set(want.map((w) => w.kind))])
      .where('value', 'in', want.map((w) => w.value))
      .where('contact_id', '!=', contactId)
      .execute();
    const owner = new Map(taken.map((t) => [key(t.kind, t.value), t.contact_id]));
    const clashes = want.filter((w) => owner.has(key(w.kind, w.value)));
    if (clashes.length > 0) {
      const fields: Record<string, string[]> = {};
      for (const c of clashes) fields[c.field] = [`Already used by contact ${owner.get(key(c.kind, c.value))}`];
      const first = clashes[0]!;
      throw new Conflict(`The ${LABEL[first.kind]} ${first.value} already belongs to contact ${owner.get(key(first.kind, first.value))}`, fields);
    }
  }
  const have = await db
    .selectFrom('contact_identities')
    .select(['kind', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .execute();
  const haveKeys = new Set(have.map((h) => key(h.kind, h.value)));
  const wantKeys = new Set(want.map((w) => key(w.kind, w.value)));
  const drop = have.filter((h) => !wantKeys.has(key(h.kind, h.value)));
  for (const kind of ['email', 'phone', 'external'] as const) {
    const values = drop.filter((d) => d.kind === kind).map((d) => d.value);
    if (values.length === 0) continue;
    await db
      .deleteFrom('contact_identities')
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', contactId)
      .where('kind', '=', kind)
      .where('value', 'in', values)
      .execute();
  }
  const add = want.filter((w) => !haveKeys.has(key(w.kind, w.value)));
  if (add.length > 0) {
    await db
      .insertInto('contact_identities')
      .values(add.map((w) => ({ workspace_id: workspaceId, kind: w.kind, value: w.value, contact_id: contactId })))
      .execute();
  }
}

/** Frees every identity of a contact (soft delete, or the losing side of a merge). */
export async function releaseIdentities(db: Executor, workspaceId: string, contactId: string): Promise<void> {
  await db.deleteFrom('contact_identities').where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId).execute();
}

/** Resolves one identity to its live contact id, or null. */
export async function resolveIdentity(db: Executor, workspaceId: string, kind: IdentityKind, value: string): Promise<string | null> {
  const r = await db
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .executeTakeFirst();
  return r?.contact_id ?? null;
}
