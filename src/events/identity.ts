import { resolveIdentity } from '../contacts/identities.ts';
import { defaultCountry } from '../contacts/input.ts';
import { normalizeEmail, normalizePhone } from '../contacts/normalize.ts';
import { createContact, getContact, updateContact, type Actor } from '../contacts/service.ts';
import type { Contact } from '../contacts/records.ts';
import type { Executor } from '../platform/http.ts';
import { backfillEvents, identityKeys } from './store.ts';
import type { NormalizedEvent } from './validate.ts';

// identify, alias and group change who an event stream belongs to: they find or create the
// customer, record the ids (userId as external id 'segment:<userId>', anonymousId in
// event_identities) and give earlier anonymous events to the customer. They go through the
// contacts service, so identities stay unique and every change is audited.

export const userExternalId = (userId: string) => `segment:${userId}`;
export const groupExternalId = (groupId: string) => `segment-group:${groupId}`;

/**
 * The advisory-lock keys an identity event changes: its ids (shared with plain events, see
 * store.ts), alias's previousId, the group, the e-mail it may create a customer by, and its
 * messageId (so two concurrent copies of one identify run one after the other, and the second
 * sees the first as a duplicate instead of creating the customer twice).
 */
export function identityLockKeys(ws: string, e: NormalizedEvent): string[] {
  const keys = [...identityKeys(ws, e), `${ws}:m:${e.messageId}`];
  if (e.previousId) keys.push(...identityKeys(ws, { userId: e.previousId, anonymousId: e.previousId }));
  if (e.groupId) keys.push(`${ws}:g:${e.groupId}`);
  if (typeof e.traits.email === 'string') keys.push(`${ws}:e:${e.traits.email.trim().toLowerCase()}`);
  return keys;
}

export interface IdentityOutcome {
  contactId: string | null;
  warnings: string[];
}

const MAX_NAME = 200;
function text(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_NAME);
  return s || null;
}

async function anonymousOwner(db: Executor, workspaceId: string, anonymousId: string): Promise<string | null> {
  const r = await db
    .selectFrom('event_identities as ei')
    .innerJoin('contacts as c', 'c.id', 'ei.contact_id')
    .select(['c.id', 'c.merged_into'])
    .where('ei.workspace_id', '=', workspaceId)
    .where('ei.anonymous_id', '=', anonymousId)
    .where('c.deleted_at', 'is', null)
    .executeTakeFirst();
  return r ? (r.merged_into ?? r.id) : null;
}

/** Links an anonymous id to a customer; the first link wins (a shared browser must not hop between people). */
async function linkAnonymous(db: Executor, workspaceId: string, anonymousId: string, contactId: string, warnings: string[]): Promise<void> {
  await db
    .insertInto('event_identities')
    .values({ workspace_id: workspaceId, anonymous_id: anonymousId, contact_id: contactId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const owner = await anonymousOwner(db, workspaceId, anonymousId);
  if (owner && owner !== contactId) warnings.push('anonymousId already belongs to another customer; not moved');
}

/** Adds identities the contact lacks, skipping any another live contact already holds (reported, never merged). */
async function addIdentities(
  db: Executor,
  actor: Actor,
  contact: Contact,
  add: { emails?: string[]; phones?: string[]; externalIds?: string[]; firstName?: string | null; lastName?: string | null },
  warnings: string[],
): Promise<void> {
  const ws = actor.workspaceId;
  const patch: Record<string, unknown> = {};
  const free = async (kind: 'email' | 'phone' | 'external', v: string) => {
    const owner = await resolveIdentity(db, ws, kind, v);
    if (owner && owner !== contact.id) warnings.push(`The ${kind === 'external' ? 'userId' : kind} belongs to another customer; not added`);
    return !owner;
  };
  const grow = async (kind: 'email' | 'phone' | 'external', have: string[], values: string[] | undefined, field: string) => {
    const next = [...have];
    for (const v of values ?? []) if (!next.includes(v) && next.length < 20 && (await free(kind, v))) next.push(v);
    if (next.length !== have.length) patch[field] = next;
  };
  await grow('email', contact.emails, add.emails, 'emails');
  await grow('phone', contact.phones, add.phones, 'phones');
  await grow('external', contact.externalIds, add.externalIds, 'externalIds');
  if (contact.kind === 'person') {
    if (add.firstName && add.firstName !== contact.firstName) patch.firstName = add.firstName;
    if (add.lastName && add.lastName !== contact.lastName) patch.lastName = add.lastName;
  }
  if (Object.keys(patch).length > 0) await updateContact(db, actor, contact.kind, contact.id, patch as never);
}

interface Traits {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}

async function readTraits(db: Executor, workspaceId: string, traits: Record<string, unknown>, warnings: string[]): Promise<Traits> {
  let firstName = text(traits.firstName ?? traits.first_name);
  let lastName = text(traits.lastName ?? traits.last_name);
  const full = text(traits.name);
  if (!firstName && !lastName && full) {
    const parts = full.split(/\s+/);
    firstName = parts.length > 1 ? parts.slice(0, -1).join(' ') : full;
    lastName = parts.length > 1 ? parts[parts.length - 1]! : null;
  }
  let email: string | null = null;
  if (traits.email !== undefined && traits.email !== null && traits.email !== '') {
    const r = typeof traits.email === 'string' && traits.email.length <= 320 ? normalizeEmail(traits.email) : { ok: false as const, reason: 'Not a string' };
    if (r.ok) email = r.value;
    else warnings.push(`traits.email ignored: ${r.reason}`);
  }
  let phone: string | null = null;
  if (traits.phone !== undefined && traits.phone !== null && traits.phone !== '') {
    const r = typeof traits.phone === 'string' && traits.phone.length <= 64 ? normalizePhone(traits.phone, await defaultCountry(db, workspaceId)) : { ok: false as const, reason: 'Not a string' };
    if (r.ok) phone = r.value;
    else warnings.push(`traits.phone ignored: ${r.reason}`);
  }
  return { firstName, lastName, email, phone };
}

async function existing(db: Executor, ws: string, e: NormalizedEvent, t: Traits): Promise<string | null> {
  return (
    (e.userId ? await resolveIdentity(db, ws, 'external', userExternalId(e.userId)) : null) ??
    (e.anonymousId ? await anonymousOwner(db, ws, e.anonymousId) : null) ??
    (t.email ? await resolveIdentity(db, ws, 'email', t.email) : null) ??
    (t.phone ? await resolveIdentity(db, ws, 'phone', t.phone) : null)
  );
}

export async function applyIdentify(db: Executor, actor: Actor, e: NormalizedEvent): Promise<IdentityOutcome> {
  const ws = actor.workspaceId;
  const warnings: string[] = [];
  const t = await readTraits(db, ws, e.traits, warnings);
  let contactId = await existing(db, ws, e, t);
  const externalIds = e.userId ? [userExternalId(e.userId)] : [];
  if (!contactId) {
    // An anonymous visitor without an e-mail or phone is not yet a customer record.
    if (!e.userId && !t.email && !t.phone) return { contactId: null, warnings };
    // A person needs a name; until the integrator sends one, the best handle we have stands in.
    const firstName = t.firstName ?? (t.lastName ? null : (t.email ?? t.phone ?? e.userId)?.slice(0, MAX_NAME) ?? null);
    const created = await createContact(db, actor, 'person', {
      firstName,
      lastName: t.lastName,
      emails: t.email ? [t.email] : [],
      phones: t.phone ? [t.phone] : [],
      externalIds,
      source: 'segment',
    } as never);
    contactId = created.id;
  } else {
    const contact = await getContact(db, ws, contactId);
    await addIdentities(
      db,
      actor,
      contact,
      { emails: t.email ? [t.email] : [], phones: t.phone ? [t.phone] : [], externalIds, firstName: t.firstName, lastName: t.lastName },
      warnings,
    );
  }
  if (e.anonymousId) await linkAnonymous(db, ws, e.anonymousId, contactId, warnings);
  await backfillEvents(db, ws, contactId, { anonymousId: e.anonymousId, userId: e.userId });
  return { contactId, warnings };
}

/** alias: previousId (an anonymous id or an older userId) and userId are the same customer. */
export async function applyAlias(db: Executor, actor: Actor, e: NormalizedEvent): Promise<IdentityOutcome> {
  const ws = actor.workspaceId;
  const warnings: string[] = [];
  const prev = e.previousId!;
  const contactId =
    (await resolveIdentity(db, ws, 'external', userExternalId(e.userId!))) ??
    (await resolveIdentity(db, ws, 'external', userExternalId(prev))) ??
    (await anonymousOwner(db, ws, prev));
  if (!contactId) {
    warnings.push('Neither id belongs to a known customer yet; an identify will link them');
    return { contactId: null, warnings };
  }
  await addIdentities(db, actor, await getContact(db, ws, contactId), { externalIds: [userExternalId(e.userId!)] }, warnings);
  await linkAnonymous(db, ws, prev, contactId, warnings);
  await backfillEvents(db, ws, contactId, { anonymousId: prev, userId: prev });
  await backfillEvents(db, ws, contactId, { userId: e.userId });
  return { contactId, warnings };
}

/** group: the customer belongs to a company (a company record with external id 'segment-group:<groupId>'). */
export async function applyGroup(db: Executor, actor: Actor, e: NormalizedEvent): Promise<IdentityOutcome> {
  const ws = actor.workspaceId;
  const warnings: string[] = [];
  const personId =
    (e.userId ? await resolveIdentity(db, ws, 'external', userExternalId(e.userId)) : null) ??
    (e.anonymousId ? await anonymousOwner(db, ws, e.anonymousId) : null);
  const ext = groupExternalId(e.groupId!);
  let companyId = await resolveIdentity(db, ws, 'external', ext);
  if (!companyId) {
    const name = text(e.traits.name) ?? e.groupId!;
    companyId = (await createContact(db, actor, 'company', { name, externalIds: [ext], source: 'segment' } as never)).id;
  }
  if (personId) {
    const person = await getContact(db, ws, personId);
    if (person.kind === 'person' && person.companyId !== companyId) {
      await updateContact(db, actor, 'person', personId, { companyId } as never);
    }
  } else {
    warnings.push('The user is not a known customer yet; company recorded without a member');
  }
  return { contactId: personId, warnings };
}
