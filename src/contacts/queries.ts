import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import { sql, type CompiledQuery, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import { executePrepared } from '../platform/db.ts';
import { decodeCursor, encodeCursor, type Executor } from '../platform/http.ts';
import { ValidationError } from '../platform/errors.ts';
import { FieldCollector, defaultCountry } from './input.ts';
import { checkAttribute, normalizePhone } from './normalize.ts';
import { CONTACT_JSON, type Contact } from './records.ts';
import { LIMITS, LIST_KEYS, type ListQuery } from './schema.ts';
import type { ContactKind } from './tables.ts';

// The contact list and search. Every page is one ordered index range scan that stops after
// `limit + 1` rows (keyset pagination), so page 1 and page 10,000 cost the same at 1M contacts.
// Indexes: 0002 contacts_ws_name / contacts_ws_created, 0021 contact_identities_key, 0006 the rest.
//
// Names sort by byte order (`using ~<~`) because the name indexes use text_pattern_ops, which is
// what makes `lower(name) like 'abc%'` indexable under any database collation; a plain
// `order by lower(name)` would not match those indexes and would sort the whole workspace.
//
// With a search term the order is by match: e-mail or phone prefix in identity order, or for a
// name first the names starting with the term, then those whose later word (last name, or
// what follows a company's first word) starts with it. `sort` applies to unsearched lists.

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The later-word key; must stay identical to the contacts_ws_later_word index expression. */
const LATER_WORD = sql<string>`lower(coalesce(nullif(c.last_name, ''), substr(c.name, strpos(c.name, ' ') + 1)))`;
const NAME_KEY = sql<string>`lower(c.name)`;

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => '\\' + m);
}

type Cond = RawBuilder<unknown>;

/** How many conditions filterConditions returns when no filter beyond the kind is asked for. */
const DEFAULT_FILTERS = 4;

/** Workspace, kind, owner and attribute filters, shared by every search mode (tags: see tagCondition). */
async function filterConditions(db: Executor, workspaceId: string, kind: ContactKind, q: ListQuery): Promise<Cond[]> {
  // Exactly DEFAULT_FILTERS conditions when nothing more is asked for (nameSearch relies on it).
  const conds: Cond[] = [
    sql`c.workspace_id = ${workspaceId}`,
    // Literal, so the planner can prove the partial indexes (kind = 'company', live rows) apply.
    sql`c.kind = ${sql.lit(kind)}`,
    sql`c.merged_into is null`,
    sql`c.deleted_at is null`,
  ];
  if (q.ownerId) conds.push(sql`c.owner_id = ${q.ownerId}`);
  // Order-figure filters read the one stats row per customer (primary key lookup per candidate).
  if (q.lastOrderDaysAgoMin !== undefined) {
    conds.push(sql`exists (select 1 from contact_order_stats s where s.contact_id = c.id
      and s.last_order_at < now() - make_interval(days => ${q.lastOrderDaysAgoMin}))`);
  }
  if (q.lastOrderDaysAgoMax !== undefined) {
    conds.push(sql`exists (select 1 from contact_order_stats s where s.contact_id = c.id
      and s.last_order_at >= now() - make_interval(days => ${q.lastOrderDaysAgoMax}))`);
  }
  if (q.ordersMin !== undefined && q.ordersMin > 0) {
    conds.push(sql`exists (select 1 from contact_order_stats s where s.contact_id = c.id and s.order_count >= ${q.ordersMin})`);
  }
  const attrKeys = Object.keys(q).filter((k) => !(LIST_KEYS as readonly string[]).includes(k));
  if (attrKeys.length > 0) {
    const keys = attrKeys.map((k) => k.slice('attr.'.length));
    const defs = await db
      .selectFrom('attribute_definitions')
      .select(['key', 'type', 'choices'])
      .where('workspace_id', '=', workspaceId)
      .where('key', 'in', keys)
      .execute();
    const byKey = new Map(defs.map((d) => [d.key, d]));
    const errors = new FieldCollector();
    const wanted: Record<string, unknown> = {};
    for (const key of keys) {
      const def = byKey.get(key);
      const raw = (q as Record<string, unknown>)[`attr.${key}`];
      if (!def) {
        errors.add(`query.attr.${key}`, 'Unknown attribute');
        continue;
      }
      const r = checkAttribute(def, raw);
      if (!r.ok) errors.add(`query.attr.${key}`, r.reason);
      else if (r.value === null) errors.add(`query.attr.${key}`, 'Give a value to filter by');
      else wanted[key] = r.value;
    }
    errors.throwIfAny();
    // Containment (@>) is what the jsonb_path_ops GIN index (contacts_attributes) serves.
    conds.push(sql`c.attributes @> ${JSON.stringify(wanted)}::jsonb`);
  }
  return conds;
}

type Mode = 'n' | 'w' | 'c' | 'e' | 'p';

function readCursor(cursor: string | undefined, allowed: Mode[]): [Mode, string, string] | null {
  const parts = decodeCursor(cursor, 3);
  if (!parts) return null;
  const [mode, key, id] = parts;
  if (!allowed.includes(mode as Mode) || typeof key !== 'string' || typeof id !== 'string') {
    throw ValidationError.field('query.cursor', 'Invalid cursor');
  }
  return [mode as Mode, key, id];
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const uuidLike = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** A contact in its API shape, with its id and sort key (`sk`) for the next cursor. */
type KeyedRow = { contact: Contact; id: string; sk: string };
const item = (r: { contact: Contact }) => r.contact;

type PagedQuery = ReturnType<typeof pageQuery>;

/** One page query; `sk` is the row's sort key as the database computes it, for the next cursor. */
function pageQuery(db: Executor, conds: Cond[], order: Cond[], sortKey: RawBuilder<string>) {
  let q = db.selectFrom('contacts as c').select([CONTACT_JSON.as('contact'), 'c.id', sortKey.as('sk')]);
  for (const c of conds) q = q.where(c as RawBuilder<boolean>);
  for (const o of order) q = q.orderBy(o as RawBuilder<string>);
  return q;
}

async function run(db: Executor, conds: Cond[], order: Cond[], limit: number, sortKey: RawBuilder<string>): Promise<KeyedRow[]> {
  return (await pageQuery(db, conds, order, sortKey).limit(limit).execute()) as KeyedRow[];
}

/** Rows ordered by `key using ~<~, id` after an optional keyset position. */
function byKey(key: RawBuilder<string>, after: [string, string] | null): { conds: Cond[]; order: Cond[] } {
  const conds: Cond[] = [];
  if (after) {
    const [k, id] = after;
    if (!uuidLike(id)) throw ValidationError.field('query.cursor', 'Invalid cursor');
    // The first half bounds the index range; the second only drops the few rows equal to k.
    conds.push(sql`${key} ~>=~ ${k}`, sql`(${key} ~>~ ${k} or c.id > ${id}::uuid)`);
  }
  return { conds, order: [sql`${key} using ~<~`, sql`c.id`] };
}

/**
 * `key` starts with lower(term), as an index range the planner can use even when the term is a
 * parameter of a prepared statement's generic plan (a `like` pattern is one only when its value is
 * known at planning). The upper bound is the prefix with its last character replaced by the next
 * code point: in UTF-8 byte order (~<~) every string with the prefix sorts below it. U+D7FF is
 * followed by U+E000 (the surrogates cannot be encoded); after U+10FFFF there is no next code
 * point, so the prefix itself followed by more of them than a name has characters bounds it.
 */
function prefixRange(key: RawBuilder<string>, term: string): Cond[] {
  const p = sql`lower(${term})`;
  const last = sql`ascii(right(${p}, 1))`;
  const upper = sql`(case ${last} when 55295 then left(${p}, -1) || chr(57344)
    when 1114111 then ${p} || repeat(chr(1114111), ${sql.lit(LIMITS.name + 1)})
    else left(${p}, -1) || chr(${last} + 1) end)`;
  return [sql`${key} ~>=~ ${p}`, sql`${key} ~<~ ${upper}`];
}

/** Runs a name-search statement, prepared when only the default filters apply (see nameSearch). */
async function execute<R>(db: Executor, prepared: boolean, query: { compile(e: QueryExecutorProvider): CompiledQuery<R> }): Promise<R[]> {
  return prepared ? executePrepared(db, query) : (await db.executeQuery(query.compile(db))).rows;
}

/**
 * Both phases of a name search in one statement: the later-word branch is limited to what the
 * name-start branch leaves of the page, and a LIMIT of 0 never starts its index scan. Two
 * statements cost a second round trip, which under load is more CPU than either index scan.
 * The outer sort keeps the phases apart (ph) and restores each one's order: collate "C" compares
 * bytes, as ~<~ does.
 */
function bothPhases(first: PagedQuery, later: PagedQuery, limit: number) {
  const a = first.select(sql<string>`'n'`.as('ph')).limit(limit + 1);
  const b = later.select(sql<string>`'w'`.as('ph')).limit(sql<number>`greatest(0, ${limit + 1} - (select count(*) from a))`);
  return sql<KeyedRow & { ph: 'n' | 'w' }>`with a as ${a}
    select * from (select * from a union all ${b}) t order by t.ph, t.sk collate "C", t.id`;
}

/**
 * Name search. Without owner, tag, attribute or order filters (the search box as typed, and the
 * read API's benchmark) its statement is prepared: with the prefix as an index range its generic
 * plan is the same two ordered range scans, and it saves the planning and parsing that were half
 * of the search's PostgreSQL CPU. Other filters change which index is best, so they keep custom plans.
 */
async function nameSearch(db: Executor, base: Cond[], term: string, limit: number, cursor: string | undefined, prepared: boolean): Promise<Page<Contact>> {
  const pattern = escapeLike(term) + '%';
  const at = readCursor(cursor, ['n', 'w']);
  const startsWith = sql`${NAME_KEY} like lower(${pattern})`;
  // Later-word matches that did not already match from the start of the name.
  const k = byKey(LATER_WORD, at?.[0] === 'w' ? [at[1], at[2]] : null);
  const later = pageQuery(db, [...base, ...prefixRange(LATER_WORD, term), sql`${LATER_WORD} like lower(${pattern})`, sql`not (${startsWith})`, ...k.conds], k.order, LATER_WORD);
  let rows: KeyedRow[] = [];
  let more: KeyedRow[];
  if (!at || at[0] === 'n') {
    const k1 = byKey(NAME_KEY, at && [at[1], at[2]]);
    const first = pageQuery(db, [...base, ...prefixRange(NAME_KEY, term), startsWith, ...k1.conds], k1.order, NAME_KEY);
    const both = await execute(db, prepared, bothPhases(first, later, limit));
    rows = both.filter((r) => r.ph === 'n');
    if (rows.length > limit) {
      const last = rows[limit - 1]!;
      return { items: rows.slice(0, limit).map(item), nextCursor: encodeCursor(['n', last.sk, last.id]) };
    }
    more = both.filter((r) => r.ph === 'w');
  } else {
    more = (await execute(db, prepared, later.limit(limit + 1))) as KeyedRow[];
  }
  const all = [...rows, ...more];
  if (all.length <= limit) return { items: all.map(item), nextCursor: null };
  const page = all.slice(0, limit);
  const last = page[page.length - 1]!;
  // A page that ends exactly at the last name-start match continues at the start of phase two.
  const next = page.length > rows.length ? ['w', last.sk, last.id] : ['w', '', NIL_UUID];
  return { items: page.map(item), nextCursor: encodeCursor(next) };
}

/** A phone prefix as typed ("040 12", "+35840", "0035840") in E.164 form. */
export function phonePrefix(raw: string, country: string): string {
  const full = normalizePhone(raw, country);
  if (full.ok) return full.value;
  const digits = raw.replace(/\D/g, '');
  if (raw.trim().startsWith('+')) return '+' + digits;
  if (digits.startsWith('00')) return '+' + digits.slice(2);
  if (digits.startsWith('0')) {
    let code = '';
    try {
      code = getCountryCallingCode(country as CountryCode);
    } catch {
      /* unknown country: match the digits as they are */
    }
    return '+' + code + digits.slice(1);
  }
  return '+' + digits;
}

async function identitySearch(
  db: Executor,
  base: Cond[],
  kind: 'email' | 'phone',
  prefix: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Contact>> {
  const mode: Mode = kind === 'email' ? 'e' : 'p';
  const at = readCursor(cursor, [mode]);
  // Values are unique per (workspace, kind), so the value alone is the keyset position.
  let q = db
    .selectFrom('contact_identities as i')
    .innerJoin('contacts as c', 'c.id', 'i.contact_id')
    .select([CONTACT_JSON.as('contact'), 'c.id', 'i.value as matched'])
    .where(sql<boolean>`i.workspace_id = c.workspace_id`)
    .where(sql<boolean>`i.kind = ${sql.lit(kind)}`)
    .where(sql<boolean>`i.value like ${escapeLike(prefix) + '%'}`);
  if (at) q = q.where(sql<boolean>`i.value ~>~ ${at[1]}`);
  for (const c of base) q = q.where(c as RawBuilder<boolean>);
  const rows = await q
    .orderBy(sql`i.value using ~<~`)
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(item),
    nextCursor: rows.length > limit && last ? encodeCursor([mode, last.matched, last.id]) : null,
  };
}

const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

export async function listContacts(db: Executor, workspaceId: string, kind: ContactKind, q: ListQuery): Promise<Page<Contact>> {
  const untagged = await filterConditions(db, workspaceId, kind, q);
  // The tagged name list joins contact_tags instead; repeating the GIN condition there only
  // tempts the planner into a bitmap-and-sort plan.
  if (q.tag && !q.search?.trim() && q.sort === 'name') return taggedByName(db, workspaceId, kind, q.tag, untagged, q.limit, q.cursor);
  const base = q.tag ? [...untagged, sql`c.tags @> array[${q.tag}]::text[]`] : untagged;
  const limit = q.limit;
  const term = (q.search ?? '').trim();
  if (term !== '') {
    // The identity join needs the workspace on the identity side too, for its index.
    const idBase = [...base, sql`i.workspace_id = ${workspaceId}`];
    if (term.includes('@')) return identitySearch(db, idBase, 'email', term.toLowerCase(), limit, q.cursor);
    if (PHONE_LIKE.test(term) && /\d/.test(term)) {
      return identitySearch(db, idBase, 'phone', phonePrefix(term, await defaultCountry(db, workspaceId)), limit, q.cursor);
    }
    return nameSearch(db, base, term, limit, q.cursor, base.length === DEFAULT_FILTERS);
  }
  if (q.sort === 'created') {
    const at = readCursor(q.cursor, ['c']);
    const conds = [...base];
    if (at) {
      if (!uuidLike(at[2]) || Number.isNaN(Date.parse(at[1]))) throw ValidationError.field('query.cursor', 'Invalid cursor');
      conds.push(sql`(c.created_at, c.id) < (${at[1]}::timestamptz, ${at[2]}::uuid)`);
    }
    const rows = await run(db, conds, [sql`c.created_at desc`, sql`c.id desc`], limit + 1, EXACT_CREATED);
    return pageOf(rows, limit, 'c');
  }
  const at = readCursor(q.cursor, ['n']);
  const k = byKey(NAME_KEY, at && [at[1], at[2]]);
  const rows = await run(db, [...base, ...k.conds], k.order, limit + 1, NAME_KEY);
  return pageOf(rows, limit, 'n');
}

/**
 * A tag's contacts in name order, read from contact_tags (0006), whose (tag, name_key) index
 * gives the order directly; walking the name index and filtering would be slow for rare tags.
 * Same cursor as the plain name list: name_key is lower(name).
 */
async function taggedByName(
  db: Executor,
  workspaceId: string,
  kind: ContactKind,
  tag: string,
  base: Cond[],
  limit: number,
  cursor: string | undefined,
): Promise<Page<Contact>> {
  const at = readCursor(cursor, ['n']);
  let q = db
    .selectFrom('contact_tags as t')
    .innerJoin('contacts as c', 'c.id', 't.contact_id')
    .select([CONTACT_JSON.as('contact'), 'c.id', 't.name_key as sk'])
    .where('t.workspace_id', '=', workspaceId)
    .where(sql<boolean>`t.kind = ${sql.lit(kind)}`)
    .where('t.tag', '=', tag);
  if (at) {
    if (!uuidLike(at[2])) throw ValidationError.field('query.cursor', 'Invalid cursor');
    q = q.where(sql<boolean>`t.name_key ~>=~ ${at[1]}`).where(sql<boolean>`(t.name_key ~>~ ${at[1]} or t.contact_id > ${at[2]}::uuid)`);
  }
  for (const c of base) q = q.where(c as RawBuilder<boolean>);
  const rows = await q
    .orderBy(sql`t.name_key using ~<~`)
    .orderBy('t.contact_id')
    .limit(limit + 1)
    .execute();
  return pageOf(rows as KeyedRow[], limit, 'n');
}

/** created_at to the microsecond: a JS Date keeps milliseconds, which would skip or repeat rows. */
const EXACT_CREATED = sql<string>`to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function pageOf(rows: KeyedRow[], limit: number, mode: Mode): Page<Contact> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(item), nextCursor: rows.length > limit && last ? encodeCursor([mode, last.sk, last.id]) : null };
}

/** Tags in use with how many live contacts carry each: an index-only scan of contact_tags. */
export async function listTags(db: Executor, workspaceId: string): Promise<Array<{ tag: string; count: number }>> {
  const rows = await db
    .selectFrom('contact_tags')
    .select(['tag', (eb) => eb.fn.countAll<string>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('tag')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('tag')
    .limit(1000)
    .execute();
  return rows.map((x) => ({ tag: x.tag, count: Number(x.count) }));
}
