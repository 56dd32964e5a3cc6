import { sql, type RawBuilder } from 'kysely';
import { D } from './features.ts';

/*
 * Segment-rule building blocks (compiled by src/segments/compile.ts): SQL over one contact id
 * column. Every fragment filters by workspace itself, so it cannot leak another workspace's data
 * even if the outer query forgot to. Values are bound parameters; the only literals are integers
 * this file generates (array subscripts). `contactId` is the outer query's contact id column.
 */

const COUNTED = sql`('ordered', 'delivered', 'paid')`;
/** insight_cluster_runs.k is at most 20 (check constraint): at most 19 rival centres. */
const MAX_RIVALS = 19;

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
 * after assigning every point to its nearest centre).
 *
 * Returns `select contact_id …` of the members, one contact (`contact`) or all.
 * Set-based: the centre data is read once (one row `p`), each customer costs a few
 * multiplications: the k-1 rival centres become half-planes z·(cj − cx) > (|cj|² − |cx|²)/2,
 * unrolled over fixed array subscripts (a missing rival compares NULL → not closer).
 */
export function clusterMembersSql(workspaceId: string, clusterId: string, contact: RawBuilder<unknown> | null): RawBuilder<{ contact_id: string }> {
  const z = (j: number, figure: RawBuilder<unknown>) =>
    sql`case when p.sd${sql.lit(j + 1)} > 0 then (ln(1 + greatest(${figure}, 0)) - p.mean${sql.lit(j + 1)}) / p.sd${sql.lit(j + 1)} else 0 end`;
  const figures = [
    sql`extract(epoch from now() - st.last_order_at)::float8 / 86400`,
    sql`st.order_count::float8`,
    sql`st.total_minor::float8`,
    sql`coalesce(extract(epoch from now() - st.first_order_at)::float8 / 86400, 0)`,
  ];
  const closerRival = Array.from({ length: MAX_RIVALS }, (_, i) => {
    const terms = Array.from({ length: D }, (_, j) => sql`z.z${sql.lit(j)} * p.a${sql.lit(i * D + j + 1)}`);
    return sql`coalesce(${sql.join(terms, sql` + `)} > p.b${sql.lit(i + 1)}, false)`;
  });
  const dims = Array.from({ length: D }, (_, j) => sql.lit(j + 1));
  // Every array element as its own column of the one-row p: a column costs a customer far less
  // than an array subscript (~100 of them per customer made 200k customers take 2 s).
  const scalar = (arr: string, n: number) => Array.from({ length: n }, (_, i) => sql`q.${sql.raw(arr)}[${sql.lit(i + 1)}] as ${sql.raw(arr)}${sql.lit(i + 1)}`);
  const columns = [...scalar('mean', D), ...scalar('sd', D), ...scalar('a', MAX_RIVALS * D), ...scalar('b', MAX_RIVALS)];
  return sql`select st.contact_id
    from contact_order_stats st
    cross join (select ${sql.join(columns)} from (
      select array(select (r.features->'mean'->>n)::float8 from generate_series(0, ${D - 1}) n order by n) as mean,
             array(select (r.features->'sd'->>n)::float8 from generate_series(0, ${D - 1}) n order by n) as sd,
             array(select j.center[d] - x.center[d] from insight_clusters j
                     cross join (values ${sql.join(dims.map((d) => sql`(${d})`))}) v(d)
                     where j.run_id = x.run_id and j.id <> x.id order by j.position, v.d) as a,
             array(select (${sql.join(dims.map((d) => sql`j.center[${d}] ^ 2 - x.center[${d}] ^ 2`), sql` + `)}) / 2
                     from insight_clusters j where j.run_id = x.run_id and j.id <> x.id order by j.position) as b
      from insight_clusters x
      join insight_cluster_runs r on r.id = x.run_id and r.workspace_id = ${workspaceId}
      where x.id = ${clusterId} and x.workspace_id = ${workspaceId} and x.center is not null
      -- offset 0 keeps this one-row subquery from being pulled up: flattened, its array(...)
      -- subplans ran once per customer (200k customers: 110–170 s instead of well under 1 s).
      offset 0) q) p
    cross join lateral (select ${sql.join(figures.map((f, j) => sql`${z(j, f)} as z${sql.lit(j)}`))}) z
    where st.workspace_id = ${workspaceId} and st.order_count > 0 and st.last_order_at is not null
      ${contact ? sql`and st.contact_id = ${contact}` : sql``}
      and not (${sql.join(closerRival, sql` or `)})`;
}

/** The customer is in the cluster (see clusterMembersSql for what that means). */
export function clusterCondition(workspaceId: string, clusterId: string, contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(contactId)} in (${clusterMembersSql(workspaceId, clusterId, null)})`;
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
