import { checkAttribute, checkBirthday, localFormsFor, normalizeEmail, normalizePhone, type AttributeDefinition } from '../contacts/normalize.ts';
import type { CsvRecord } from './csv-reader.ts';
import type { ResolvedMapping } from './mapping.ts';

// One CSV record → one contact row, checked with the same functions the API uses, or the reason
// it was refused. Then rows of one batch that share an identity are merged into one.

export interface ContactRow {
  lines: number[];
  firstName: string | null;
  lastName: string | null;
  /** Company name (companies), or the name of the person's company (people). */
  name: string | null;
  company: string | null;
  emails: string[];
  phones: string[];
  externalIds: string[];
  birthday: string | null;
  locale: string | null;
  timeZone: string | null;
  source: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}

export interface Rejection {
  line: number;
  reason: string;
  raw: string;
}

export interface ContactContext {
  kind: 'people' | 'companies';
  headers: string[];
  mapping: ResolvedMapping;
  defaultCountry: string;
  attributeDefs: Map<string, AttributeDefinition>;
}

const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Our export writes a leading apostrophe before a cell starting with = + - @ tab or CR (CSV
 * injection); the importer removes exactly that apostrophe again, so "'+358…" comes back as
 * "+358…" and export → import is lossless.
 */
export function unneutralise(v: string): string {
  return v.length > 1 && v.charCodeAt(0) === 39 && FORMULA_START.has(v[1]) ? v.slice(1) : v;
}

export function cell(fields: string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const raw = fields[index];
  if (raw === undefined) return null;
  const v = unneutralise(raw).trim();
  return v === '' ? null : v;
}

function list(v: string | null): string[] {
  if (v === null) return [];
  return v.split(';').map((s) => s.trim()).filter(Boolean);
}

// The same limits and shapes as the API (src/contacts/schema.ts), so both doors agree.
const LOCALE_RE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/;
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const EXTERNAL_ID_RE = /^[A-Za-z0-9_.-]{1,50}:\S/;
const MAX = { name: 200, list: 20, tags: 50, tag: 64, externalId: 200 } as const;

/** External ids are 'source:id' in the API; a bare CSV id becomes 'csv:<id>' (people and orders imports agree). */
export function externalIdOf(raw: string): string {
  return EXTERNAL_ID_RE.test(raw) ? raw : `csv:${raw}`;
}

const zoneOk = new Map<string, boolean>();
function checkTimeZone(v: string): boolean {
  let hit = zoneOk.get(v);
  if (hit === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: v });
      hit = true;
    } catch {
      hit = false;
    }
    if (zoneOk.size < 10_000) zoneOk.set(v, hit);
  }
  return hit;
}

export function columnCountReason(headers: string[], rec: CsvRecord): string | null {
  return rec.fields.length === headers.length ? null : `Expected ${headers.length} columns, found ${rec.fields.length}`;
}

export function validateContact(ctx: ContactContext, rec: CsvRecord): ContactRow | string {
  const wrongCount = columnCountReason(ctx.headers, rec);
  if (wrongCount) return wrongCount;
  const c = ctx.mapping.columns;
  const f = rec.fields;
  const get = (field: string) => cell(f, c.get(field));

  const emails: string[] = [];
  for (const raw of [get('email'), get('email2'), ...list(get('emails'))]) {
    if (raw === null) continue;
    const r = normalizeEmail(raw);
    if (!r.ok) return r.reason;
    if (!emails.includes(r.value)) emails.push(r.value);
  }
  const phones: string[] = [];
  for (const raw of [get('phone'), get('phone2'), ...list(get('phones'))]) {
    if (raw === null) continue;
    const r = normalizePhone(raw, ctx.defaultCountry);
    if (!r.ok) return r.reason;
    if (!phones.includes(r.value)) phones.push(r.value);
  }
  const externalIds: string[] = [];
  for (const raw of [get('externalId'), ...list(get('externalIds'))]) {
    if (raw === null) continue;
    const id = externalIdOf(raw);
    if (id.length > MAX.externalId) return `External id longer than ${MAX.externalId} characters`;
    if (!externalIds.includes(id)) externalIds.push(id);
  }
  if (emails.length > MAX.list || phones.length > MAX.list || externalIds.length > MAX.list) {
    return `At most ${MAX.list} e-mails, phones and external ids each`;
  }

  let firstName: string | null = null;
  let lastName: string | null = null;
  let name: string | null = null;
  if (ctx.kind === 'people') {
    firstName = get('firstName');
    lastName = get('lastName');
    const full = get('fullName');
    if (full !== null && firstName === null && lastName === null) {
      // A single name column: the first word is the given name, the rest the family name.
      const i = full.search(/\s/);
      firstName = i === -1 ? full : full.slice(0, i);
      lastName = i === -1 ? null : full.slice(i + 1).trim() || null;
    }
    if (!firstName && !lastName) return 'A first or last name is required';
    if (emails.length + phones.length + externalIds.length === 0) {
      return 'No e-mail, phone or external id to recognise this person by';
    }
  } else {
    name = get('name');
    if (name === null) return 'Company name is empty';
  }
  const source = get('source');
  for (const [label, v] of [['First name', firstName], ['Last name', lastName], ['Name', name], ['Source', source]] as const) {
    if (v === null) continue;
    if (v.length > MAX.name) return `${label} longer than ${MAX.name} characters`;
    if (CONTROL_RE.test(v)) return `${label} contains control characters`;
  }

  let birthday: string | null = null;
  const b = get('birthday');
  if (b !== null) {
    const r = checkBirthday(b, localFormsFor(ctx.defaultCountry).dateOrder);
    if (!r.ok) return r.reason;
    birthday = r.value;
  }
  const locale = get('locale');
  if (locale !== null && !LOCALE_RE.test(locale)) return `Expected a language tag like fi or fi-FI, got ${locale}`;
  const timeZone = get('timeZone');
  if (timeZone !== null && !checkTimeZone(timeZone)) return `Not a time zone: ${timeZone}`;

  const attributes: Record<string, unknown> = {};
  for (const a of ctx.mapping.attributes) {
    const def = ctx.attributeDefs.get(a.key);
    if (!def) continue;
    const r = checkAttribute(def, cell(f, a.index), localFormsFor(ctx.defaultCountry));
    if (!r.ok) return r.reason;
    if (r.value !== null) attributes[a.key] = r.value;
  }
  const tags: string[] = [];
  for (const t of list(get('tags'))) {
    if (t.length > MAX.tag) return `Tag longer than ${MAX.tag} characters: ${t.slice(0, 20)}…`;
    if (CONTROL_RE.test(t)) return 'A tag contains control characters';
    if (!tags.includes(t)) tags.push(t);
  }
  if (tags.length > MAX.tags) return `At most ${MAX.tags} tags`;
  const company = ctx.kind === 'people' ? get('company') : null;
  return {
    lines: [rec.line],
    firstName,
    lastName,
    name,
    company,
    emails,
    phones,
    externalIds,
    birthday,
    locale,
    timeZone,
    source,
    tags,
    attributes,
  };
}

function union(into: string[], more: string[]): void {
  for (const v of more) if (!into.includes(v)) into.push(v);
}

/** Later rows win for single values; lists and attributes are combined. */
export function mergeRows(a: ContactRow, b: ContactRow): ContactRow {
  a.lines.push(...b.lines);
  a.firstName = b.firstName ?? a.firstName;
  a.lastName = b.lastName ?? a.lastName;
  a.name = b.name ?? a.name;
  a.company = b.company ?? a.company;
  union(a.emails, b.emails);
  union(a.phones, b.phones);
  union(a.externalIds, b.externalIds);
  a.birthday = b.birthday ?? a.birthday;
  a.locale = b.locale ?? a.locale;
  a.timeZone = b.timeZone ?? a.timeZone;
  a.source = b.source ?? a.source;
  union(a.tags, b.tags);
  Object.assign(a.attributes, b.attributes);
  return a;
}

export function identityKeys(kind: 'people' | 'companies', r: ContactRow): string[] {
  const keys: string[] = [];
  for (const e of r.emails) keys.push('email\u0000' + e);
  for (const p of r.phones) keys.push('phone\u0000' + p);
  for (const x of r.externalIds) keys.push('external\u0000' + x);
  // A company with no identity is recognised by its name.
  if (kind === 'companies' && keys.length === 0 && r.name) keys.push('name\u0000' + r.name.toLowerCase());
  return keys;
}

/**
 * Merges rows sharing any identity (union-find), keeping first-seen order. `identities` holds
 * every identity key of the rows (see identityKeys).
 */
export function dedupeRows(
  kind: 'people' | 'companies',
  rows: ContactRow[],
): { groups: ContactRow[]; duplicates: number; groupOf: number[]; identities: ReadonlyMap<string, number> } {
  const owner = new Map<string, number>();
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let i = 0; i < rows.length; i++) {
    for (const k of identityKeys(kind, rows[i])) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else {
        const a = find(j);
        const b = find(i);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const groups: ContactRow[] = [];
  const at = new Map<number, number>();
  const groupOf: number[] = new Array(rows.length);
  let duplicates = 0;
  for (let i = 0; i < rows.length; i++) {
    const root = find(i);
    const g = at.get(root);
    if (g !== undefined) {
      mergeRows(groups[g], rows[i]);
      groupOf[i] = g;
      duplicates++;
    } else {
      at.set(root, groups.length);
      groupOf[i] = groups.length;
      groups.push(rows[i]);
    }
  }
  return { groups, duplicates, groupOf, identities: owner };
}
