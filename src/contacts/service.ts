import { sql } from 'kysely';
import { NotFound } from '../platform/errors.ts';
import type { AuditEntry, Executor } from '../platform/http.ts';
import { releaseIdentities, resolveIdentity, syncIdentities } from './identities.ts';
import {
  FieldCollector,
  applyAttributeChanges,
  checkAttributes,
  checkBirthdayField,
  checkCompany,
  checkOwner,
  defaultCountry,
  normalizeEmails,
  normalizePhones,
  normalizeTags,
} from './input.ts';
import { normalizeEmail, normalizePhone } from './normalize.ts';
import { CONTACT_COLUMNS, KIND_LABEL, loadContact, personName, toContact, type Contact } from './records.ts';
import type { CompanyBody, CompanyPatch, LookupQuery, PersonBody, PersonPatch } from './schema.ts';
import type { ContactKind } from './tables.ts';

// Creating, changing, deleting and reading one person or company. Each mutation runs in the
// request's transaction: the row, its identity mirror and the audit entry commit together.

/** Who acts: the workspace, the user (for authorship) and the audit writer of the request. */
export interface Actor {
  workspaceId: string;
  userId: string | null;
  audit(entry: AuditEntry): Promise<void>;
}

type AnyBody = Partial<PersonBody & CompanyBody & PersonPatch & CompanyPatch>;

interface Prepared {
  columns: Record<string, unknown>;
  identities: { emails: string[]; phones: string[]; externalIds: string[] } | null;
}

/**
 * Validates the fields present in `body` and returns the columns to write. `current` is the row
 * being patched (absent on create); fields not in the body keep their current value.
 */
async function prepare(db: Executor, workspaceId: string, kind: ContactKind, body: AnyBody, current?: Contact): Promise<Prepared> {
  const errors = new FieldCollector();
  const columns: Record<string, unknown> = {};
  const has = (k: keyof AnyBody) => body[k] !== undefined;

  if (kind === 'person') {
    const first = has('firstName') ? (body.firstName ?? null) : (current?.firstName ?? null);
    const last = has('lastName') ? (body.lastName ?? null) : (current?.lastName ?? null);
    if (has('firstName')) columns.first_name = first || null;
    if (has('lastName')) columns.last_name = last || null;
    const name = personName(first, last);
    if (name === '') errors.add('firstName', 'A first or last name is required');
    columns.name = name;
    if (has('birthday')) columns.birthday = checkBirthdayField(body.birthday ?? null, errors);
    if (has('companyId')) {
      await checkCompany(db, workspaceId, body.companyId ?? null, errors);
      columns.company_id = body.companyId ?? null;
    }
  } else if (has('name')) {
    columns.name = body.name;
  }

  const needsCountry = has('phones');
  const country = needsCountry ? await defaultCountry(db, workspaceId) : 'FI';
  const emails = has('emails') ? normalizeEmails(body.emails!, errors) : (current?.emails ?? []);
  const phones = has('phones') ? normalizePhones(body.phones!, country, errors) : (current?.phones ?? []);
  const externalIds = has('externalIds') ? [...new Set(body.externalIds!)] : (current?.externalIds ?? []);
  if (has('emails')) columns.emails = emails;
  if (has('phones')) columns.phones = phones;
  if (has('externalIds')) columns.external_ids = externalIds;

  if (has('locale')) columns.locale = body.locale ?? null;
  if (has('timeZone')) columns.time_zone = body.timeZone ?? null;
  if (has('source')) columns.source = body.source || null;
  if (has('ownerId')) {
    await checkOwner(db, workspaceId, body.ownerId ?? null, errors);
    columns.owner_id = body.ownerId ?? null;
  }

  if (has('tags') || has('addTags') || has('removeTags')) {
    let tags = has('tags') ? normalizeTags(body.tags!) : (current?.tags ?? []);
    if (body.addTags) tags = normalizeTags([...tags, ...body.addTags]);
    if (body.removeTags) {
      const remove = new Set(body.removeTags.map((t) => t.trim()));
      tags = tags.filter((t) => !remove.has(t));
    }
    columns.tags = tags;
  }

  if (has('attributes')) {
    const changes = await checkAttributes(db, workspaceId, kind, body.attributes!, errors);
    columns.attributes = JSON.stringify(applyAttributeChanges(current?.attributes ?? {}, changes));
  }

  errors.throwIfAny();
  const identitiesChanged = !current || has('emails') || has('phones') || has('externalIds');
  return { columns, identities: identitiesChanged ? { emails, phones, externalIds } : null };
}

async function fetchContact(db: Executor, workspaceId: string, id: string): Promise<Contact> {
  const row = await db
    .selectFrom('contacts as c')
    .select([...CONTACT_COLUMNS])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', id)
    .executeTakeFirstOrThrow();
  return toContact(row);
}

export async function createContact(db: Executor, actor: Actor, kind: ContactKind, body: PersonBody | CompanyBody): Promise<Contact> {
  const { columns, identities } = await prepare(db, actor.workspaceId, kind, body as AnyBody);
  const row = await db
    .insertInto('contacts')
    .values({ ...columns, workspace_id: actor.workspaceId, kind, name: String(columns.name) } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  await syncIdentities(db, actor.workspaceId, row.id, identities!);
  const after = await fetchContact(db, actor.workspaceId, row.id);
  await actor.audit({ action: `${kind}.create`, entity: 'contact', entityId: row.id, after });
  return after;
}

export async function updateContact(
  db: Executor,
  actor: Actor,
  kind: ContactKind,
  id: string,
  body: PersonPatch | CompanyPatch,
): Promise<Contact> {
  const before = toContact(await loadContact(db, actor.workspaceId, id, { kind, forUpdate: true }));
  const { columns, identities } = await prepare(db, actor.workspaceId, kind, body as AnyBody, before);
  await db
    .updateTable('contacts')
    .set({ ...columns, updated_at: sql`now()` } as never)
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .execute();
  if (identities) await syncIdentities(db, actor.workspaceId, id, identities);
  const after = await fetchContact(db, actor.workspaceId, id);
  await actor.audit({ action: `${kind}.update`, entity: 'contact', entityId: id, before, after });
  return after;
}

/** Soft delete: the row stays (orders and the timeline still point at it) but its identities are freed. */
export async function deleteContact(db: Executor, actor: Actor, kind: ContactKind, id: string): Promise<void> {
  const before = toContact(await loadContact(db, actor.workspaceId, id, { kind, forUpdate: true }));
  await db
    .updateTable('contacts')
    .set({ deleted_at: sql`now()`, updated_at: sql`now()` } as never)
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .execute();
  await releaseIdentities(db, actor.workspaceId, id);
  if (kind === 'company') {
    // Its people stay, without a company that no longer exists.
    await db
      .updateTable('contacts')
      .set({ company_id: null, updated_at: sql`now()` } as never)
      .where('workspace_id', '=', actor.workspaceId)
      .where('company_id', '=', id)
      .execute();
  }
  await actor.audit({ action: `${kind}.delete`, entity: 'contact', entityId: id, before });
}

export async function getContact(db: Executor, workspaceId: string, id: string, kind?: ContactKind): Promise<Contact> {
  return toContact(await loadContact(db, workspaceId, id, { kind }));
}

/** Identity resolution: the live contact that owns an e-mail, a phone or an external id. */
export async function lookupContact(db: Executor, workspaceId: string, q: LookupQuery): Promise<Contact> {
  let kind: 'email' | 'phone' | 'external';
  let value: string | null;
  if (q.email !== undefined) {
    kind = 'email';
    const r = normalizeEmail(q.email);
    value = r.ok ? r.value : null;
  } else if (q.phone !== undefined) {
    kind = 'phone';
    const r = normalizePhone(q.phone, await defaultCountry(db, workspaceId));
    value = r.ok ? r.value : null;
  } else {
    kind = 'external';
    value = q.externalId!.trim();
  }
  const id = value === null ? null : await resolveIdentity(db, workspaceId, kind, value);
  if (!id) throw new NotFound('Contact');
  return getContact(db, workspaceId, id);
}

export { KIND_LABEL };
