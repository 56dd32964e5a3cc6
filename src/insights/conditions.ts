import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { D } from './features.ts';

/*
 * Segment-rule building blocks (compiled by src/segments/compile.ts): SQL over one contact id
 * column. Every fragment filters by workspace itself, so it cannot leak another workspace's data
 * even if the outer query forgot to. Values are bound parameters; the only literals are integers
 * this file generates (column suffixes). `contactId` is the outer query's contact id column.
 */

const COUNTED = sql`('ordered', 'delivered', 'paid')`;

/**
 * What "in cluster X" means, and why: a cluster is the region of the normalised figure space
 * (days since last order, orders, money, tenure; log1p then z-score with X's run's mean and sd)
 * whose nearest centre among X's run is X's. A customer is in it while their CURRENT figures fall
 * there. So a segment saved from a cluster stays dynamic (a customer who stops buying drifts from
 * "Active frequent buyers" into a "Lapsed …" region and leaves) and keeps its meaning when the
 * clustering is run again: a new run proposes new clusters with new ids, the saved one still
 * refers to its own run's centres. A snapshot of the run's member list would go stale at once;
 * "cluster at the same position in the latest run" would silently change meaning under a
 * campaign. At the moment of the run this selects exactly the run's members (k-means stops right
 * after assigning every point to its nearest centre), up to float rounding on the boundaries.
 *
 * How it stays fast (1M customers in about a second): "nearer X than rival j" is the half-space
 * z·(cj − cx) > (|cj|² − |cx|²)/2, and z is linear in l = ln(1 + figure), so each rival folds into
 * Σ l_d·w_d > c with w_d = (cj − cx)_d / sd_d and c = (|cj|² − |cx|²)/2 + Σ mean_d·w_d.
 * A run's centres, mean and sd never change after it is stored, so loadClusterGeometry reads them
 * before the query and they go in as bound numbers. Per customer the query then costs four ln()
 * and one four-term sum per rival, for exactly the run's k−1 rivals (unrolling the 19 rivals a
 * run may have made k = 5 take 2.6 times as long). Days come from date_part (float8), not
 * extract (numeric).
 */
export interface ClusterGeometry {
  /** One per rival centre of the cluster's run: the customer is nearer that rival when Σ l_d·w[d] > c. */
  rivals: Array<{ w: number[]; c: number }>;
}

/**
 * The geometry of these clusters (of this workspace, with a stored centre). A cluster missing from
 * the result does not exist (any more), or predates stored centres: it matches nobody.
 */
export async function loadClusterGeometry(db: Executor, workspaceId: string, clusterIds: string[]): Promise<Map<string, ClusterGeometry>> {
  const out = new Map<string, ClusterGeometry>();
  if (clusterIds.length === 0) return out;
  const rows = await sql<{ id: string; own: number[]; rival: number[] | null; features: unknown }>`
    select x.id, x.center as own, j.center as rival, r.features
    from insight_clusters x
    join insight_cluster_runs r on r.id = x.run_id and r.workspace_id = ${workspaceId}
    left join insight_clusters j on j.run_id = x.run_id and j.workspace_id = ${workspaceId} and j.id <> x.id
    where x.workspace_id = ${workspaceId} and x.id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(clusterIds)}::jsonb))
      and x.center is not null
    order by x.id, j.position`.execute(db);
  for (const row of rows.rows) {
    const features = (typeof row.features === 'string' ? JSON.parse(row.features) : row.features) as { mean: number[]; sd: number[] };
    const g = out.get(row.id) ?? { rivals: [] };
    out.set(row.id, g);
    // A rival without a centre (a run stored before centres were kept) is never nearer.
    if (!row.rival) continue;
    const own = row.own.map(Number);
    const rival = row.rival.map(Number);
    const w = Array.from({ length: D }, (_, d) => (features.sd[d] > 0 ? (rival[d] - own[d]) / features.sd[d] : 0));
    let c = 0;
    for (let d = 0; d < D; d++) c += (rival[d] ** 2 - own[d] ** 2) / 2 + features.mean[d] * w[d];
    g.rivals.push({ w, c });
  }
  return out;
}

/**
 * `select contact_id …` of the cluster's members: everyone (contact null) or one contact (a
 * correlated column). Null geometry (no such cluster) selects nobody.
 */
export function clusterMembersSql(workspaceId: string, geometry: ClusterGeometry | null, contact: RawBuilder<unknown> | null): RawBuilder<{ contact_id: string }> {
  if (!geometry) return sql`select null::uuid as contact_id where false`;
  const l = [
    sql`ln(1 + greatest(date_part('epoch', now() - st.last_order_at) / 86400, 0))`,
    sql`ln(1 + greatest(st.order_count::float8, 0))`,
    sql`ln(1 + greatest(st.total_minor::float8, 0))`,
    sql`ln(1 + greatest(coalesce(date_part('epoch', now() - st.first_order_at) / 86400, 0), 0))`,
  ];
  const nearerRival = geometry.rivals.map(({ w, c }) => sql`${sql.join(w.map((wd, d) => sql`f.l${sql.lit(d)} * ${wd}::float8`), sql` + `)} > ${c}::float8`);
  // offset 0 keeps the subquery from being pulled up: flattened, each rival's sum recomputed the
  // four ln() instead of reading them (about twice the time at k = 5).
  // The coalesce (never null here) keeps the planner's guess at half the customers: a bare
  // conjunction of k−1 comparisons is guessed at (1/3)^(k−1) of them, a handful of rows, and it
  // then fetched 300k members' contacts one index lookup at a time instead of one hash join.
  return sql`select f.contact_id from (
      select st.contact_id, ${sql.join(l.map((e, d) => sql`${e} as l${sql.lit(d)}`))}
      from contact_order_stats st
      where st.workspace_id = ${workspaceId} and st.order_count > 0 and st.last_order_at is not null
        ${contact ? sql`and st.contact_id = ${contact}` : sql``}
      offset 0) f
    ${nearerRival.length ? sql`where not coalesce(${sql.join(nearerRival, sql` or `)}, false)` : sql``}`;
}

/** The customer is in the cluster (see clusterMembersSql for what that means). */
export function clusterCondition(workspaceId: string, geometry: ClusterGeometry | null, contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(contactId)} in (${clusterMembersSql(workspaceId, geometry, null)})`;
}

/** The customer carries the 'slowing' flag (see slowing.ts for the rules). */
export function slowingCondition(workspaceId: string, contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from contact_flags cf
    where cf.workspace_id = ${workspaceId} and cf.flag = 'slowing' and cf.contact_id = ${sql.ref(contactId)})`;
}

/** The customer's RFM label is one of `segments` (labels from the latest RFM computation). */
export function rfmSegmentCondition(workspaceId: string, segments: string[], contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from contact_rfm cr
    where cr.workspace_id = ${workspaceId} and cr.contact_id = ${sql.ref(contactId)}
      and cr.segment in (select jsonb_array_elements_text(${JSON.stringify(segments)}::jsonb)))`;
}

const RFM_SCORE: Readonly<Record<string, RawBuilder<unknown>>> = Object.freeze({ r: sql`cr.r`, f: sql`cr.f`, m: sql`cr.m` });
const COMPARE: Readonly<Record<string, RawBuilder<unknown>>> = Object.freeze({ lt: sql`<`, lte: sql`<=`, eq: sql`=`, neq: sql`<>`, gte: sql`>=`, gt: sql`>` });

/** One RFM score (1–5) compared with a value; customers without scores (no orders) never match. */
export function rfmScoreCondition(workspaceId: string, score: 'r' | 'f' | 'm', op: string, value: number, contactId = 'contacts.id'): RawBuilder<boolean> {
  if (!Object.hasOwn(RFM_SCORE, score) || !Object.hasOwn(COMPARE, op)) throw new Error(`rfm condition: ${score} ${op} is not allow-listed`);
  return sql<boolean>`exists (select 1 from contact_rfm cr
    where cr.workspace_id = ${workspaceId} and cr.contact_id = ${sql.ref(contactId)} and ${RFM_SCORE[score]} ${COMPARE[op]} ${Math.trunc(value)}::int)`;
}

export type ValueRank = { topN: number; windowDays: number } | { topPercent: number; windowDays: number };

/**
 * The ranked customers by money spent (counted orders, workspace currency) in the last
 * windowDays; ties broken by contact id so "top 50" is always exactly 50 and stable.
 */
export function valueRanking(workspaceId: string, windowDays: number): RawBuilder<{ contact_id: string; value_minor: string; orders: string; rn: string; cnt: string }> {
  return sql`(select v.contact_id, v.value_minor, v.orders,
        row_number() over (order by v.value_minor desc, v.contact_id) as rn,
        count(*) over () as cnt
      from (select o.contact_id, sum(o.total_minor) as value_minor, count(*) as orders
            from orders o
            join contacts c on c.id = o.contact_id and c.workspace_id = ${workspaceId}
              and c.merged_into is null and c.deleted_at is null
            where o.workspace_id = ${workspaceId} and o.status in ${COUNTED}
              and o.currency = (select currency from workspaces where id = ${workspaceId})
              and o.ordered_at >= now() - make_interval(days => ${Math.trunc(windowDays)})
            group by o.contact_id) v)`;
}

/**
 * In the top N (or top percent) by money spent over the window. The rank is relative: one
 * customer rising pushes another out. A per-contact refresh re-ranks the workspace but can only
 * move the contacts it was asked about; whoever was pushed out leaves at the next full build.
 */
export function valueRankCondition(workspaceId: string, rank: ValueRank, contactId = 'contacts.id'): RawBuilder<boolean> {
  const cut = 'topN' in rank ? sql`r.rn <= ${Math.trunc(rank.topN)}` : sql`r.rn <= ceil(r.cnt * ${rank.topPercent}::float8 / 100)`;
  return sql<boolean>`${sql.ref(contactId)} in (select r.contact_id from ${valueRanking(workspaceId, rank.windowDays)} r where ${cut})`;
}
