import { ValidationError, type FieldErrors } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { checkAttribute, checkBirthday, normalizeEmail, normalizePhone } from './normalize.ts';
import type { ContactKind } from './tables.ts';

// Turns validated request fields into column values: e-mails and phones normalised (with the
// position of a bad one reported as the field, e.g. "phones.1"), custom attributes checked
// against their definitions, owner and company checked to belong to the workspace. Every
// problem of one request is reported together.

export class FieldCollector {
  readonly fields: FieldErrors = {};
  add(path: string, message: string): void {
    (this.fields[path] ??= []).push(message);
  }
  throwIfAny(): void {
    if (Object.keys(this.fields).length > 0) throw new ValidationError('Some fields are invalid', this.fields);
  }
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

export async function defaultCountry(db: Executor, workspaceId: string): Promise<string> {
  const ws = await db.selectFrom('workspaces').select('default_country').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  return ws.default_country;
}

export function normalizeEmails(raw: string[], errors: FieldCollector, field = 'emails'): string[] {
  const out: string[] = [];
  raw.forEach((e, i) => {
    const r = normalizeEmail(e);
    if (r.ok) out.push(r.value);
    else errors.add(`${field}.${i}`, r.reason);
  });
  return uniq(out);
}

export function normalizePhones(raw: string[], country: string, errors: FieldCollector, field = 'phones'): string[] {
  const out: string[] = [];
  raw.forEach((p, i) => {
    const r = normalizePhone(p, country);
    if (r.ok) out.push(r.value);
    else errors.add(`${field}.${i}`, r.reason);
  });
  return uniq(out);
}

export function normalizeTags(tags: string[]): string[] {
  return uniq(tags.map((t) => t.trim()).filter(Boolean));
}

export function checkBirthdayField(raw: string | null, errors: FieldCollector): string | null {
  if (raw === null || raw.trim() === '') return null;
  const r = checkBirthday(raw);
  if (r.ok) return r.value;
  errors.add('birthday', r.reason);
  return null;
}

/**
 * Checks attribute values against the workspace's definitions. Returns the changes to apply:
 * a null value means "remove this attribute".
 */
export async function checkAttributes(
  db: Executor,
  workspaceId: string,
  kind: ContactKind,
  input: Record<string, unknown>,
  errors: FieldCollector,
): Promise<Record<string, string | number | boolean | null>> {
  const keys = Object.keys(input);
  if (keys.length === 0) return {};
  const defs = await db
    .selectFrom('attribute_definitions')
    .select(['key', 'type', 'choices', 'applies_to'])
    .where('workspace_id', '=', workspaceId)
    .where('key', 'in', keys)
    .execute();
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of keys) {
    const def = byKey.get(key);
    if (!def) {
      errors.add(`attributes.${key}`, 'Unknown attribute: define it first (POST /api/v1/attributes)');
      continue;
    }
    if (def.applies_to !== 'both' && def.applies_to !== kind) {
      errors.add(`attributes.${key}`, `This attribute applies to ${def.applies_to === 'person' ? 'people' : 'companies'} only`);
      continue;
    }
    const r = checkAttribute(def, input[key]);
    if (r.ok) out[key] = r.value;
    else errors.add(`attributes.${key}`, r.reason);
  }
  return out;
}

export function applyAttributeChanges(
  current: Record<string, unknown>,
  changes: Record<string, string | number | boolean | null>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

export async function checkOwner(db: Executor, workspaceId: string, ownerId: string | null, errors: FieldCollector): Promise<void> {
  if (ownerId === null) return;
  const u = await db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('id', '=', ownerId).executeTakeFirst();
  if (!u) errors.add('ownerId', 'No such user in this workspace');
}

export async function checkCompany(db: Executor, workspaceId: string, companyId: string | null, errors: FieldCollector): Promise<void> {
  if (companyId === null) return;
  const c = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', companyId)
    .where('kind', '=', 'company')
    .where('merged_into', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!c) errors.add('companyId', 'No such company in this workspace');
}
