import { sql, type RawBuilder } from 'kysely';

/*
 * Segment-rule building blocks: boolean SQL fragments over one contact id column, for the
 * segments capability to AND/OR into its queries. Every fragment filters by workspace itself,
 * so it cannot leak another workspace's data even if the outer query forgot to.
 * `contactId` names the outer query's contact id column (default contacts.id).
 */

const COUNTED = sql`('ordered', 'delivered', 'paid')`;

/** The customer is in the cluster (latest clustering run; an older run's cluster matches nobody). */
export function clusterCondition(workspaceId: string, clusterId: string, contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from contact_cluster cc
    where cc.workspace_id = ${workspaceId} and cc.cluster_id = ${clusterId} and cc.contact_id = ${sql.ref(contactId)})`;
}

/** The customer carries the 'slowing' flag (see slowing.ts for the rules). */
export function slowingCondition(workspaceId: string, contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from contact_flags cf
    where cf.workspace_id = ${workspaceId} and cf.flag = 'slowing' and cf.contact_id = ${sql.ref(contactId)})`;
}

/** The customer's RFM label (e.g. 'Champions', 'At risk') from the latest RFM computation. */
export function rfmSegmentCondition(workspaceId: string, segment: string, contactId = 'contacts.id'): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from contact_rfm cr
    where cr.workspace_id = ${workspaceId} and cr.segment = ${segment} and cr.contact_id = ${sql.ref(contactId)})`;
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

export function valueRankCondition(workspaceId: string, rank: ValueRank, contactId = 'contacts.id'): RawBuilder<boolean> {
  const cut = 'topN' in rank ? sql`r.rn <= ${Math.trunc(rank.topN)}` : sql`r.rn <= ceil(r.cnt * ${rank.topPercent}::float8 / 100)`;
  return sql<boolean>`${sql.ref(contactId)} in (select r.contact_id from ${valueRanking(workspaceId, rank.windowDays)} r where ${cut})`;
}
