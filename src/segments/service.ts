import { sql } from 'kysely';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { enqueueJob } from '../platform/jobs.ts';
import { loadRuleContext } from './build.ts';
import type { SegmentKind } from './tables.ts';
import { validateRule } from './validate.ts';

// Segments CRUD and the hand-kept members of static lists.

export const REBUILD_JOB = 'segments.rebuild';

export interface SegmentView {
  id: string;
  name: string;
  description: string | null;
  kind: SegmentKind;
  rule: unknown;
  dependsOn: string[];
  createdAt: Date;
  updatedAt: Date;
  health: {
    size: number;
    lastBuiltAt: Date | null;
    lastBuildMs: number | null;
    lastEntered: number | null;
    lastExited: number | null;
    /** Seconds since the last build: how stale a dynamic segment's members may be. */
    lagSeconds: number | null;
  };
}

const COLUMNS = ['id', 'name', 'description', 'kind', 'rule', 'depends_on', 'created_at', 'updated_at', 'last_built_at', 'last_build_ms', 'last_entered', 'last_exited', 'member_count'] as const;

type Row = {
  id: string; name: string; description: string | null; kind: SegmentKind; rule: unknown; depends_on: string[];
  created_at: Date; updated_at: Date; last_built_at: Date | null; last_build_ms: number | null;
  last_entered: number | null; last_exited: number | null; member_count: number;
};

function view(r: Row): SegmentView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    rule: r.rule,
    dependsOn: r.depends_on,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    health: {
      size: r.member_count,
      lastBuiltAt: r.last_built_at,
      lastBuildMs: r.last_build_ms,
      lastEntered: r.last_entered,
      lastExited: r.last_exited,
      lagSeconds: r.kind === 'dynamic' && r.last_built_at ? Math.max(0, Math.round((Date.now() - r.last_built_at.getTime()) / 1000)) : null,
    },
  };
}

export async function getSegment(db: Executor, workspaceId: string, id: string): Promise<SegmentView> {
  const r = await db.selectFrom('segments').select(COLUMNS).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFound('Segment');
  return view(r as Row);
}

export async function listSegments(db: Executor, workspaceId: string, page: { after: string | null; limit: number }) {
  let q = db.selectFrom('segments').select(COLUMNS).where('workspace_id', '=', workspaceId).orderBy('name').orderBy('id').limit(page.limit + 1);
  if (page.after) q = q.where('name', '>', page.after);
  const rows = (await q.execute()) as Row[];
  return { items: rows.slice(0, page.limit).map(view), next: rows.length > page.limit ? rows[page.limit - 1].name : null };
}

async function nameFree(db: Executor, workspaceId: string, name: string, exceptId?: string) {
  let q = db.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict('A segment with this name already exists', { name: ['Already used'] });
}

export async function createSegment(
  db: Executor,
  workspaceId: string,
  input: { name: string; description?: string | null; kind: SegmentKind; rule?: unknown },
  userId: string | null,
): Promise<SegmentView> {
  await nameFree(db, workspaceId, input.name);
  const checked = input.kind === 'dynamic' ? validateRule(input.rule, await loadRuleContext(db, workspaceId)) : null;
  const row = await db
    .insertInto('segments')
    .values({
      workspace_id: workspaceId,
      name: input.name,
      description: input.description ?? null,
      kind: input.kind,
      rule: checked ? JSON.stringify(checked.rule) : null,
      depends_on: checked?.segmentRefs ?? [],
      created_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (checked) await enqueueJob(db, { workspaceId, kind: REBUILD_JOB, payload: { segmentId: row.id }, createdBy: userId });
  return getSegment(db, workspaceId, row.id);
}

export async function updateSegment(
  db: Executor,
  workspaceId: string,
  id: string,
  input: { name?: string; description?: string | null; rule?: unknown },
  userId: string | null,
): Promise<{ before: SegmentView; after: SegmentView }> {
  const before = await getSegment(db, workspaceId, id);
  if (input.name !== undefined) await nameFree(db, workspaceId, input.name, id);
  const set: Record<string, unknown> = { updated_at: new Date() };
  if (input.name !== undefined) set.name = input.name;
  if (input.description !== undefined) set.description = input.description;
  if (input.rule !== undefined) {
    if (before.kind !== 'dynamic') throw ValidationError.field('rule', 'A static list has no rule');
    const checked = validateRule(input.rule, await loadRuleContext(db, workspaceId, id));
    set.rule = JSON.stringify(checked.rule);
    set.depends_on = checked.segmentRefs;
  }
  await db.updateTable('segments').set(set).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  if (input.rule !== undefined) await enqueueJob(db, { workspaceId, kind: REBUILD_JOB, payload: { segmentId: id }, createdBy: userId });
  return { before, after: await getSegment(db, workspaceId, id) };
}

export async function deleteSegment(db: Executor, workspaceId: string, id: string): Promise<SegmentView> {
  const seg = await getSegment(db, workspaceId, id);
  const users = await db
    .selectFrom('segments')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`depends_on @> array[${id}]::uuid[]`)
    .execute();
  if (users.length) throw new Conflict(`Segments ${users.map((u) => u.name).join(', ')} refer to this one`, { id: ['In use by other segments'] });
  await db.deleteFrom('segments').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  return seg;
}

export async function listMembers(db: Executor, workspaceId: string, id: string, page: { after: string | null; limit: number }) {
  await getSegment(db, workspaceId, id);
  let q = db
    .selectFrom('segment_members as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select(['c.id', 'c.name', sql<string | null>`c.emails[1]`.as('email'), 'm.since'])
    .where('m.segment_id', '=', id)
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.contact_id')
    .limit(page.limit + 1);
  if (page.after) q = q.where('m.contact_id', '>', page.after);
  const rows = await q.execute();
  return { items: rows.slice(0, page.limit), next: rows.length > page.limit ? rows[page.limit - 1].id : null };
}

export async function listHistory(db: Executor, workspaceId: string, id: string, page: { before: string | null; limit: number }) {
  await getSegment(db, workspaceId, id);
  let q = db
    .selectFrom('segment_membership_events')
    .select(['id', 'contact_id as contactId', 'change', 'cause', 'at'])
    .where('segment_id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.before) q = q.where('id', '<', page.before);
  const rows = await q.execute();
  return { items: rows.slice(0, page.limit), next: rows.length > page.limit ? rows[page.limit - 1].id : null };
}

async function staticSegment(db: Executor, workspaceId: string, id: string) {
  const seg = await getSegment(db, workspaceId, id);
  if (seg.kind !== 'static') throw new Conflict('Members of a dynamic segment follow its rule; only static lists take members by hand');
  return seg;
}

/** Live contacts of this workspace among `ids`; anything else is reported, never touched. */
async function liveContacts(db: Executor, workspaceId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Refuses the whole request when an id is not a live contact of the workspace, naming each bad entry. */
export async function requireContacts(db: Executor, workspaceId: string, ids: string[]): Promise<void> {
  const found = await liveContacts(db, workspaceId, ids);
  const fields: Record<string, string[]> = {};
  ids.forEach((id, i) => {
    if (!found.has(id)) fields[`contactIds.${i}`] = ['No such contact'];
  });
  if (Object.keys(fields).length) throw new ValidationError('Unknown contacts', fields);
}

export async function addMembers(db: Executor, workspaceId: string, id: string, ids: string[]): Promise<{ added: number; size: number }> {
  await staticSegment(db, workspaceId, id);
  await db.selectFrom('segments').select('id').where('id', '=', id).forUpdate().execute();
  const res = await sql<{ n: number }>`
    with added as (
      insert into segment_members (segment_id, contact_id, workspace_id, since)
      select ${id}::uuid, c.id, ${workspaceId}::uuid, now() from contacts c
      where c.workspace_id = ${workspaceId} and c.merged_into is null and c.deleted_at is null
        and c.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      on conflict do nothing
      returning contact_id),
    logged as (
      insert into segment_membership_events (workspace_id, segment_id, contact_id, change, cause)
      select ${workspaceId}::uuid, ${id}::uuid, contact_id, 'entered', 'manual' from added)
    select count(*)::int as n from added`.execute(db);
  return { added: res.rows[0].n, size: await bumpCount(db, id, res.rows[0].n) };
}

export async function removeMembers(db: Executor, workspaceId: string, id: string, ids: string[]): Promise<{ removed: number; size: number }> {
  await staticSegment(db, workspaceId, id);
  await db.selectFrom('segments').select('id').where('id', '=', id).forUpdate().execute();
  const res = await sql<{ n: number }>`
    with removed as (
      delete from segment_members m
      where m.segment_id = ${id} and m.workspace_id = ${workspaceId}
        and m.contact_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
      returning contact_id),
    logged as (
      insert into segment_membership_events (workspace_id, segment_id, contact_id, change, cause)
      select ${workspaceId}::uuid, ${id}::uuid, contact_id, 'exited', 'manual' from removed)
    select count(*)::int as n from removed`.execute(db);
  return { removed: res.rows[0].n, size: await bumpCount(db, id, -res.rows[0].n) };
}

async function bumpCount(db: Executor, id: string, delta: number): Promise<number> {
  const r = await db
    .updateTable('segments')
    .set({ member_count: sql`member_count + ${delta}`, updated_at: new Date() })
    .where('id', '=', id)
    .returning('member_count')
    .executeTakeFirstOrThrow();
  return r.member_count;
}

/** Contacts of the workspace by e-mail (already normalised), for CSV member lists. */
export async function contactsByEmail(db: Executor, workspaceId: string, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('contact_identities')
    .select(['value', 'contact_id'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where(sql<boolean>`value in (select jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))`)
    .execute();
  return new Map(rows.map((r) => [r.value, r.contact_id]));
}
