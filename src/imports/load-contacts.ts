import { randomBytes } from 'node:crypto';
import type { BatchTx } from './batch-db.ts';
import { arrayLiteral, copyLine } from './batch-db.ts';
import type { ContactRow, Rejection } from './validate-contacts.ts';

// Set-based upsert of one batch of (already deduplicated) contact rows: COPY into a temporary
// staging table, match staged identities against live contacts, then one INSERT … SELECT for the
// new contacts, one UPDATE … FROM for the matched ones (only where something changes), and one
// INSERT … ON CONFLICT for contact_identities. Ids of new contacts are made here so the
// identities can be written without reading the contacts back.

export interface ContactBatchResult {
  created: number;
  updated: number;
  unchanged: number;
  companiesCreated: number;
  rejections: Rejection[];
  rejectedGroups: number;
  /** Index in `groups` → the contact it now names (only with returnIds). */
  ids: Map<number, string>;
}

const STAGE_COLUMNS = [
  'k', 'id', 'first_name', 'last_name', 'name', 'company_name', 'emails', 'phones', 'ext',
  'birthday', 'locale', 'time_zone', 'source', 'tags', 'attributes',
];

// Made once per connection and emptied at each commit: creating and dropping it per batch cost
// ~8 ms of catalog writes each time (1.5 s of a 1,000,000-row import).
const CREATE_STAGE = `create temp table if not exists import_stage (
  k int primary key, id uuid not null, first_name text, last_name text, name text, company_name text,
  emails text[] not null, phones text[] not null, ext text[] not null, birthday date, locale text,
  time_zone text, source text, tags text[] not null, attributes jsonb not null,
  company_id uuid, match_id uuid, rn int) on commit delete rows`;

/** Every identity of a staged row, as (kind, value) rows. */
const STAGE_IDENTITIES = `(
  select 'email'::text as kind, v as value from unnest(s.emails) v
  union all select 'phone', v from unnest(s.phones) v
  union all select 'external', v from unnest(s.ext) v) i`;

const LIVE = 'c.merged_into is null and c.deleted_at is null';

/**
 * Time-ordered ids (UUID version 7 layout: 48-bit milliseconds, then random): a bulk load then
 * appends to the right edge of the primary-key and contact_id indexes instead of touching a
 * random leaf per row.
 */
let lastMs = 0;
let seq = 0;
export function uuidV7(): string {
  const now = Date.now();
  seq = now === lastMs ? seq + 1 : 0;
  lastMs = now;
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  // 12 bits of sequence keep ids from one millisecond in order; then version 7 and the variant.
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function stageData(groups: ContactRow[]): string {
  let out = '';
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k];
    out += copyLine([
      k,
      uuidV7(),
      g.firstName,
      g.lastName,
      g.name,
      g.company,
      arrayLiteral(g.emails),
      arrayLiteral(g.phones),
      arrayLiteral(g.externalIds),
      g.birthday,
      g.locale,
      g.timeZone,
      g.source,
      arrayLiteral(g.tags),
      JSON.stringify(g.attributes),
    ]);
  }
  return out;
}

function rejectGroup(g: ContactRow, reason: string, rawOf: (line: number) => string): Rejection[] {
  return g.lines.map((line) => ({ line, reason, raw: rawOf(line) }));
}

const appendNew = (col: string, from: string) =>
  `c.${col} || array(select v from unnest(s.${from}) with ordinality u(v, o) where v <> all(c.${col}) order by o)`;

export async function loadContactBatch(
  tx: BatchTx,
  opts: {
    workspaceId: string;
    kind: 'people' | 'companies';
    groups: ContactRow[];
    /** False for customers named by an orders import: link or create, never overwrite. */
    updateExisting: boolean;
    returnIds?: boolean;
    rawOf: (line: number) => string;
    /**
     * Called once the batch knows which existing contacts it names and before it writes anything
     * (batches with company names write companies first and must not run beside another batch).
     * The import uses it to let two batches load at once only when they touch different contacts.
     */
    beforeWrite?: (matchedIds: ReadonlySet<string>) => Promise<void>;
  },
): Promise<ContactBatchResult> {
  const { workspaceId: ws, kind, groups } = opts;
  const contactKind = kind === 'people' ? 'person' : 'company';
  const result: ContactBatchResult = { created: 0, updated: 0, unchanged: 0, companiesCreated: 0, rejections: [], rejectedGroups: 0, ids: new Map() };
  if (groups.length === 0) return result;

  await tx.query(CREATE_STAGE);
  await tx.copyIn('import_stage', STAGE_COLUMNS, stageData(groups));

  if (kind === 'people' && groups.some((g) => g.company)) {
    // The person's company, by name: an existing live company, else a new one.
    const made = await tx.query(
      `insert into contacts (workspace_id, kind, name)
       select distinct on (lower(s.company_name)) $1::uuid, 'company', s.company_name from import_stage s
        where s.company_name is not null and not exists (
          select 1 from contacts c where c.workspace_id = $1::uuid and c.kind = 'company' and ${LIVE} and lower(c.name) = lower(s.company_name))
        order by lower(s.company_name), s.k`,
      [ws],
    );
    result.companiesCreated = made.rowCount;
    await tx.query(
      `update import_stage s set company_id = (
         select c.id from contacts c where c.workspace_id = $1::uuid and c.kind = 'company' and ${LIVE} and lower(c.name) = lower(s.company_name)
          order by c.created_at, c.id limit 1)
        where s.company_name is not null`,
      [ws],
    );
  }

  // Which live contacts do the staged identities (or, for companies without one, names) name?
  const byName =
    kind === 'companies'
      ? `union select s.k, c.id::text, c.kind, true, null, null from import_stage s
           join contacts c on c.workspace_id = $1::uuid and c.kind = 'company' and ${LIVE} and lower(c.name) = lower(s.name)
          where cardinality(s.emails) + cardinality(s.phones) + cardinality(s.ext) = 0`
      : '';
  // Each staged identity is looked up by primary key, in key order so that neighbouring probes
  // share index pages once the index outgrows shared_buffers; OFFSET 0 keeps these subqueries from being
  // flattened, so stale statistics (a workspace that had no contacts at the last ANALYZE) cannot
  // turn the lookups into a scan of the workspace's contacts for every staged row.
  const matches = await tx.query<{ k: number; id: string; kind: string; live: boolean; ikind: string | null; ivalue: string | null }>(
    `select distinct i.k, c.id::text as id, c.kind, (${LIVE}) as live, i.kind as ikind, i.value as ivalue
       from (select s.k, i.kind, i.value from import_stage s cross join lateral ${STAGE_IDENTITIES} order by 2, 3 offset 0) i
       cross join lateral (select ci.contact_id from contact_identities ci
                            where ci.workspace_id = $1::uuid and ci.kind = i.kind and ci.value = i.value offset 0) ci
       cross join lateral (select c.id, c.kind, c.workspace_id, c.merged_into, c.deleted_at from contacts c
                            where c.id = ci.contact_id offset 0) c
      where c.workspace_id = $1::uuid
     ${byName}`,
    [ws],
  );
  await opts.beforeWrite?.(new Set(matches.rows.map((m) => m.id)));
  // An identity still held by a merged-away or deleted contact is released to the live one.
  const dead = matches.rows.filter((m) => !m.live && m.ikind !== null);
  if (dead.length) {
    await tx.query(
      `delete from contact_identities where workspace_id = $1::uuid and (kind, value) in (select * from unnest($2::text[], $3::text[]))`,
      [ws, dead.map((d) => d.ikind), dead.map((d) => d.ivalue)],
    );
  }
  matches.rows = matches.rows.filter((m) => m.live);

  if (matches.rows.length) {
    const perGroup = new Map<number, { ids: Set<string>; wrongKind: boolean }>();
    for (const m of matches.rows) {
      const k = Number(m.k);
      const e = perGroup.get(k) ?? { ids: new Set<string>(), wrongKind: false };
      e.ids.add(m.id);
      if (m.kind !== contactKind) e.wrongKind = true;
      perGroup.set(k, e);
    }
    const drop: number[] = [];
    const ks: number[] = [];
    const ids: string[] = [];
    const rns: number[] = [];
    const seen = new Map<string, number>();
    for (const k of [...perGroup.keys()].sort((a, b) => a - b)) {
      const e = perGroup.get(k)!;
      if (e.wrongKind) {
        drop.push(k);
        const other = contactKind === 'person' ? 'a company' : 'a person';
        result.rejections.push(...rejectGroup(groups[k], `An e-mail, phone or external id here already belongs to ${other}`, opts.rawOf));
      } else if (e.ids.size > 1) {
        drop.push(k);
        result.rejections.push(...rejectGroup(groups[k], `Identities here belong to ${e.ids.size} different contacts; merge them first`, opts.rawOf));
      } else {
        const id = [...e.ids][0];
        // Several rows naming one existing contact are applied in file order, one round each.
        const rn = (seen.get(id) ?? 0) + 1;
        seen.set(id, rn);
        ks.push(k);
        ids.push(id);
        rns.push(rn);
      }
    }
    result.rejectedGroups = drop.length;
    if (drop.length) await tx.query('delete from import_stage where k = any($1::int[])', [drop]);
    if (ks.length) {
      await tx.query(
        `update import_stage s set match_id = m.id, rn = m.rn
           from unnest($1::int[], $2::uuid[], $3::int[]) as m(k, id, rn) where s.k = m.k`,
        [ks, ids, rns],
      );
    }
    const matched = new Set(ids);
    const updated = new Set<string>();
    if (opts.updateExisting) {
      const maxRn = Math.max(0, ...rns);
      for (let rn = 1; rn <= maxRn; rn++) {
        const r = await tx.query<{ id: string }>(updateSql(kind), [ws, rn]);
        for (const row of r.rows) updated.add(row.id);
      }
    }
    result.updated = updated.size;
    result.unchanged = matched.size - updated.size;
  }

  // People: "first last" as the API writes it; a customer named only by an order gets its e-mail, phone or id.
  const nameExpr =
    kind === 'people'
      ? `coalesce(nullif(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), emails[1], phones[1], ext[1], '')`
      : 'name';
  const inserted = await tx.query(
    `insert into contacts (id, workspace_id, kind, first_name, last_name, name, company_id, emails, phones, external_ids,
                           locale, time_zone, birthday, source, tags, attributes)
     select id, $1::uuid, '${contactKind}', first_name, last_name, ${nameExpr}, company_id, emails, phones, ext,
            locale, time_zone, birthday, source, tags, attributes
       from import_stage where match_id is null`,
    [ws],
  );
  result.created = inserted.rowCount;

  // Identities of new contacts are new (the match above found none, dead holders were released):
  // a plain INSERT in key order. A concurrent API write of the same identity fails this batch,
  // and the retried job then finds the contact instead.
  await tx.query(
    `insert into contact_identities (workspace_id, kind, value, contact_id)
     select $1::uuid, i.kind, i.value, s.id from import_stage s cross join lateral ${STAGE_IDENTITIES}
      where s.match_id is null order by 2, 3`,
    [ws],
  );
  if (result.updated + result.unchanged > 0) {
    await tx.query(
      `insert into contact_identities (workspace_id, kind, value, contact_id)
       select $1::uuid, i.kind, i.value, s.match_id from import_stage s cross join lateral ${STAGE_IDENTITIES}
        where s.match_id is not null order by 2, 3
       on conflict (workspace_id, kind, value) do nothing`,
      [ws],
    );
  }

  if (opts.returnIds) {
    const r = await tx.query<{ k: number; id: string }>('select k, coalesce(match_id, id)::text as id from import_stage');
    for (const row of r.rows) result.ids.set(Number(row.k), row.id);
  }
  return result;
}

function updateSql(kind: 'people' | 'companies'): string {
  const name =
    kind === 'people'
      ? `coalesce(nullif(btrim(coalesce(s.first_name, c.first_name, '') || ' ' || coalesce(s.last_name, c.last_name, '')), ''), c.name)`
      : 'coalesce(s.name, c.name)';
  const cols = ['first_name', 'last_name', 'name', 'company_id', 'emails', 'phones', 'external_ids', 'locale', 'time_zone', 'birthday', 'source', 'tags', 'attributes'];
  return `with n as (
      select c.id, c.workspace_id, coalesce(s.first_name, c.first_name) as first_name, coalesce(s.last_name, c.last_name) as last_name,
        ${name} as name, coalesce(s.company_id, c.company_id) as company_id,
        ${appendNew('emails', 'emails')} as emails, ${appendNew('phones', 'phones')} as phones,
        ${appendNew('external_ids', 'ext')} as external_ids,
        coalesce(s.locale, c.locale) as locale, coalesce(s.time_zone, c.time_zone) as time_zone,
        coalesce(s.birthday, c.birthday) as birthday, coalesce(s.source, c.source) as source,
        ${appendNew('tags', 'tags')} as tags, c.attributes || s.attributes as attributes
      from import_stage s
      cross join lateral (select * from contacts c where c.id = s.match_id offset 0) c
      where s.rn = $2 and c.workspace_id = $1::uuid)
    update contacts c set ${cols.map((col) => `${col} = n.${col}`).join(', ')}, updated_at = now()
      from n where c.id = n.id and c.workspace_id = n.workspace_id
       and (${cols.map((col) => `c.${col}`).join(', ')}) is distinct from (${cols.map((col) => `n.${col}`).join(', ')})
    returning c.id::text as id`;
}
