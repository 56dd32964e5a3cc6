import { sql } from 'kysely';
import { reassignOrdersOnMerge } from '../orders/figures.ts';
import { ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { releaseIdentities, syncIdentities } from './identities.ts';
import { loadContact, personName, toContact, type Contact } from './records.ts';
import type { Actor } from './service.ts';
import { appendInteraction } from './timeline.ts';

// Merging two duplicates into one record. Everything that pointed at the loser (identities,
// timeline, a company's people, orders/payments/complaints) moves to the kept record; the kept
// record's values win and the loser fills its gaps. The loser stays as a row with merged_into
// set, so its old links answer 404 with fields.mergedInto = [keptId].

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
const orFill = <T>(keep: T | null, other: T | null): T | null => (keep === null || keep === '' ? other : keep);

export async function mergeContacts(db: Executor, actor: Actor, keepId: string, mergeId: string): Promise<Contact> {
  const ws = actor.workspaceId;
  // Lock both rows in id order so two crossing merges cannot deadlock.
  const [firstId, secondId] = [keepId, mergeId].sort();
  const first = await loadContact(db, ws, firstId!, { forUpdate: true });
  const second = await loadContact(db, ws, secondId!, { forUpdate: true });
  const keep = toContact(first.id === keepId ? first : second);
  const lose = toContact(first.id === keepId ? second : first);
  if (keep.kind !== lose.kind) {
    throw ValidationError.field('mergeId', `Cannot merge a ${lose.kind} into a ${keep.kind}`);
  }

  // The loser's identities are released first so the kept record can take them over.
  await releaseIdentities(db, ws, lose.id);
  const emails = union(keep.emails, lose.emails);
  const phones = union(keep.phones, lose.phones);
  const externalIds = union(keep.externalIds, lose.externalIds);
  await syncIdentities(db, ws, keep.id, { emails, phones, externalIds });

  const firstName = orFill(keep.firstName, lose.firstName);
  const lastName = orFill(keep.lastName, lose.lastName);
  await db
    .updateTable('contacts')
    .set({
      emails,
      phones,
      external_ids: externalIds,
      tags: union(keep.tags, lose.tags),
      attributes: JSON.stringify({ ...lose.attributes, ...keep.attributes }),
      first_name: firstName,
      last_name: lastName,
      name: keep.kind === 'person' ? personName(firstName, lastName) : keep.name,
      locale: orFill(keep.locale, lose.locale),
      time_zone: orFill(keep.timeZone, lose.timeZone),
      birthday: orFill(keep.birthday, lose.birthday),
      owner_id: orFill(keep.ownerId, lose.ownerId),
      source: orFill(keep.source, lose.source),
      company_id: orFill(keep.companyId, lose.companyId === keep.id ? null : lose.companyId),
      updated_at: sql`now()`,
    } as never)
    .where('workspace_id', '=', ws)
    .where('id', '=', keep.id)
    .execute();

  await db.updateTable('interactions').set({ contact_id: keep.id }).where('workspace_id', '=', ws).where('contact_id', '=', lose.id).execute();
  // The loser's tracked events count for the survivor in segment rules from now on.
  await db.updateTable('events').set({ contact_id: keep.id }).where('workspace_id', '=', ws).where('contact_id', '=', lose.id).execute();
  if (keep.kind === 'company') {
    await db
      .updateTable('contacts')
      .set({ company_id: keep.id, updated_at: sql`now()` } as never)
      .where('workspace_id', '=', ws)
      .where('company_id', '=', lose.id)
      .execute();
  }
  await reassignOrdersOnMerge(db, ws, lose.id, keep.id);

  await db
    .updateTable('contacts')
    .set({ merged_into: keep.id, updated_at: sql`now()` } as never)
    .where('workspace_id', '=', ws)
    .where('id', '=', lose.id)
    .execute();
  // Records merged into the loser earlier now point straight at the survivor: one hop to resolve.
  await db.updateTable('contacts').set({ merged_into: keep.id }).where('workspace_id', '=', ws).where('merged_into', '=', lose.id).execute();

  await appendInteraction(db, {
    workspaceId: ws,
    contactId: keep.id,
    channel: 'system',
    type: 'merge',
    summary: `Merged ${lose.name} into this record`,
    authorUserId: actor.userId,
    ref: { type: 'contact', id: lose.id },
    linked: [{ type: 'contact', id: lose.id }],
  });
  const after = toContact(await loadContact(db, ws, keep.id));
  await actor.audit({ action: `${keep.kind}.merge`, entity: 'contact', entityId: keep.id, before: { keep, merged: lose }, after });
  return after;
}
