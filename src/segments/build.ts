import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../platform/database.ts';
import type { Executor } from '../platform/http.ts';
import { loadClusterGeometry } from '../insights/conditions.ts';
import { clusterIdsIn, compileRule, type CompileOptions, type Compiled } from './compile.ts';
import type { Rule } from './schema.ts';
import { validateRule, type RuleContext } from './validate.ts';

// Membership builds. A build computes the rule's set once (a materialised CTE: the staging set),
// diffs it against segment_members and writes entries, exits and their history, all in one
// set-based statement under a lock on the segment row, so two builders never log a change twice.

export interface BuildResult {
  segmentId: string;
  entered: number;
  exited: number;
  size: number;
  ms: number;
}

type Cause = 'build' | 'refresh';

/** Everything validation needs to know about a workspace: attribute types and segment references. */
export async function loadRuleContext(db: Executor, workspaceId: string, selfId?: string): Promise<RuleContext> {
  const [attrs, segs, clusters] = await Promise.all([
    db.selectFrom('attribute_definitions').select(['key', 'type', 'choices']).where('workspace_id', '=', workspaceId).execute(),
    db.selectFrom('segments').select(['id', 'depends_on']).where('workspace_id', '=', workspaceId).execute(),
    db.selectFrom('insight_clusters').select(['id', sql<boolean>`center is not null`.as('has_center')]).where('workspace_id', '=', workspaceId).execute(),
  ]);
  return {
    attributes: new Map(attrs.map((a) => [a.key, { type: a.type, choices: a.choices }])),
    segments: new Map(segs.map((s) => [s.id, { dependsOn: s.depends_on }])),
    clusters: new Map(clusters.map((c) => [c.id, { hasCenter: c.has_center }])),
    selfId,
  };
}

/**
 * Transaction-local settings for one build: JIT compilation cost ~100 ms per build on PostgreSQL
 * for queries that run in tens of ms, and the grouped activity scans spill to disk at the default
 * 4 MB work_mem from ~100k rows. Builds scan whole workspaces, where two parallel workers roughly
 * halve the slow rules at 1M customers (average order 952 → 352 ms, no page view in 60 days
 * 1,200 → 542 ms); the app's own connections keep parallel query off for indexed lookups.
 */
export async function tuneForBuild(db: Executor): Promise<void> {
  await sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true), set_config('max_parallel_workers_per_gather', '2', true)`.execute(db);
}

/** Compiles a rule after reading what it needs from the database (the geometry of the clusters it names). */
async function compile(db: Executor, rule: Rule, o: Omit<CompileOptions, 'clusters'>, contactIds?: string[]): Promise<Compiled> {
  const clusters = await loadClusterGeometry(db, o.workspaceId, clusterIdsIn(rule));
  return compileRule(rule, { ...o, clusters }, contactIds);
}

async function inTransaction<T>(db: Executor, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return (db as Kysely<Database>).transaction().execute(fn);
}

/** Re-evaluates one dynamic segment, for everyone or only for `contactIds`, and records the changes. */
export async function buildSegment(db: Executor, workspaceId: string, segmentId: string, opts: { contactIds?: string[] } = {}): Promise<BuildResult | null> {
  return inTransaction(db, async (trx) => {
    const seg = await trx
      .selectFrom('segments')
      .select(['id', 'kind', 'rule'])
      .where('id', '=', segmentId)
      .where('workspace_id', '=', workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!seg || seg.kind !== 'dynamic' || !seg.rule) return null;
    const t0 = performance.now();
    await tuneForBuild(trx);
    const cause: Cause = opts.contactIds ? 'refresh' : 'build';
    const { from } = await compile(trx, seg.rule as Rule, { workspaceId, perContact: !!opts.contactIds }, opts.contactIds);
    const scope = opts.contactIds
      ? sql`and m.contact_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(opts.contactIds)}::jsonb))`
      : sql``;
    const res = await sql<{ entered: number; exited: number }>`
      with target as materialized (select c.id from ${from}),
      exited as (
        delete from segment_members m
        where m.segment_id = ${segmentId} ${scope} and not exists (select 1 from target t where t.id = m.contact_id)
        returning m.contact_id),
      entered as (
        insert into segment_members (segment_id, contact_id, workspace_id, since)
        select ${segmentId}::uuid, t.id, ${workspaceId}::uuid, now() from target t
        where not exists (select 1 from segment_members m where m.segment_id = ${segmentId} and m.contact_id = t.id)
        returning contact_id),
      logged as (
        insert into segment_membership_events (workspace_id, segment_id, contact_id, change, cause)
        select ${workspaceId}::uuid, ${segmentId}::uuid, contact_id, 'exited', ${cause}::text from exited
        union all
        select ${workspaceId}::uuid, ${segmentId}::uuid, contact_id, 'entered', ${cause}::text from entered)
      select (select count(*) from entered)::int as entered, (select count(*) from exited)::int as exited`.execute(trx);
    const { entered, exited } = res.rows[0];
    const ms = Math.round(performance.now() - t0);
    const updated = await trx
      .updateTable('segments')
      .set(
        opts.contactIds
          ? { member_count: sql`member_count + ${entered - exited}` }
          : { member_count: sql`member_count + ${entered - exited}`, last_built_at: new Date(), last_build_ms: ms, last_entered: entered, last_exited: exited },
      )
      .where('id', '=', segmentId)
      .returning('member_count')
      .executeTakeFirstOrThrow();
    return { segmentId, entered, exited, size: updated.member_count, ms };
  });
}

/** Dynamic segments of a workspace, each after the segments its rule refers to. */
async function dynamicInBuildOrder(db: Executor, workspaceId: string): Promise<string[]> {
  const rows = await db.selectFrom('segments').select(['id', 'kind', 'depends_on']).where('workspace_id', '=', workspaceId).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (id: string, trail: Set<string>) => {
    if (done.has(id) || trail.has(id)) return; // saved rules are acyclic; the trail only guards against bad data
    trail.add(id);
    for (const dep of byId.get(id)?.depends_on ?? []) visit(dep, trail);
    done.add(id);
    if (byId.get(id)?.kind === 'dynamic') order.push(id);
  };
  for (const r of rows) visit(r.id, new Set());
  return order;
}

/** Full rebuild of every dynamic segment of a workspace (the scheduled `segments.rebuild` job). */
export async function buildWorkspaceSegments(db: Executor, workspaceId: string): Promise<BuildResult[]> {
  const out: BuildResult[] = [];
  for (const id of await dynamicInBuildOrder(db, workspaceId)) {
    const r = await buildSegment(db, workspaceId, id);
    if (r) out.push(r);
  }
  return out;
}

/**
 * Re-evaluates every dynamic segment for just these contacts and records their entries and exits.
 * For the capabilities that change what rules look at (events, orders, contacts): call it after
 * committing a change to a contact, or inside the same transaction by passing it as `db`.
 */
export async function refreshContactSegments(db: Executor, workspaceId: string, contactIds: string[]): Promise<BuildResult[]> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return [];
  const out: BuildResult[] = [];
  for (const id of await dynamicInBuildOrder(db, workspaceId)) {
    const r = await buildSegment(db, workspaceId, id, { contactIds: ids });
    if (r && (r.entered || r.exited)) out.push(r);
  }
  return out;
}

export interface Preview {
  count: number;
  sample: Array<{ id: string; name: string; email: string | null }>;
  planCost: number | null;
}

/** Counts and samples a rule without saving it; planCost is the planner's estimate for the count. */
export async function previewRule(db: Executor, workspaceId: string, input: unknown): Promise<Preview> {
  const { rule } = validateRule(input, await loadRuleContext(db, workspaceId));
  const { from } = await compile(db, rule, { workspaceId });
  const countQuery = sql<{ n: number }>`select count(*)::int as n from ${from}`;
  const [count, sample, plan] = await Promise.all([
    countQuery.execute(db),
    sql<{ id: string; name: string; email: string | null }>`select c.id, c.name, c.emails[1] as email from ${from} order by c.id limit 20`.execute(db),
    sql<Record<string, unknown>>`explain (format json) ${countQuery}`.execute(db),
  ]);
  return { count: count.rows[0].n, sample: sample.rows, planCost: totalCost(plan.rows[0]) };
}

function totalCost(row: Record<string, unknown> | undefined): number | null {
  let v: unknown = row ? Object.values(row)[0] : undefined;
  if (typeof v === 'string') v = JSON.parse(v);
  const cost = Array.isArray(v) ? (v[0] as { Plan?: { 'Total Cost'?: number } })?.Plan?.['Total Cost'] : undefined;
  return typeof cost === 'number' ? cost : null;
}
