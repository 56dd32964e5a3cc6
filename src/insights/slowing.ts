import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';

/*
 * "Slowing" customers (REQUIREMENTS 1: see early when gaps grow or the order volume falls).
 * A customer is flagged when either rule holds; both are recomputed set-based, so running the
 * job again, or after an order write for a few customers, leaves the same flags behind.
 *
 *   gap rule   : at least 3 counted orders (2+ gaps, so the median means something) and
 *                days since last order > factor × max(median gap, 1 day). factor default 1.5.
 *                since = the moment that became true: last order + factor × gap.
 *   value rule : the average total of the last 3 counted orders (workspace currency) is below
 *                ratio × the average of the up to 6 orders before them, with at least 2 such
 *                earlier orders (one odd order must not raise an alert). ratio default 0.7.
 *                since = the last order (the one that completed the drop).
 * We chose "last 3 vs earlier average" over a regression slope: it reads as a sentence on the
 * customer ("last 3 orders average 40% of the 6 before"), and a slope over 5 noisy totals flags
 * any customer whose latest order happened to be small.
 */

export const DEFAULT_GAP_FACTOR = 1.5;
export const DEFAULT_VALUE_RATIO = 0.7;

export async function refreshSlowingFlags(db: Executor, workspaceId: string, contactIds?: string[]): Promise<{ flagged: number }> {
  if (contactIds && contactIds.length === 0) return { flagged: 0 };
  const scope = (col: string) => (contactIds ? sql`and ${sql.ref(col)} = any(${contactIds}::uuid[])` : sql``);
  const res = await sql`
    with settings as (
      select coalesce((select slowing_gap_factor from insight_settings where workspace_id = ${workspaceId}), ${DEFAULT_GAP_FACTOR})::float8 as factor,
             coalesce((select slowing_value_ratio from insight_settings where workspace_id = ${workspaceId}), ${DEFAULT_VALUE_RATIO})::float8 as ratio,
             (select currency from workspaces where id = ${workspaceId}) as currency
    ),
    cand as (
      select st.contact_id, st.last_order_at, st.order_count, st.median_gap_days::float8 as gap,
             extract(epoch from now() - st.last_order_at)::float8 / 86400 as days_since
      from contact_order_stats st
      join contacts c on c.id = st.contact_id and c.workspace_id = ${workspaceId}
        and c.merged_into is null and c.deleted_at is null
      where st.workspace_id = ${workspaceId} and st.order_count > 0 and st.last_order_at is not null ${scope('st.contact_id')}
    ),
    ranked as (
      select o.contact_id, o.total_minor,
             row_number() over (partition by o.contact_id order by o.ordered_at desc, o.id desc) as rn
      from orders o
      where o.workspace_id = ${workspaceId} and o.status in ('ordered', 'delivered', 'paid')
        and o.currency = (select currency from settings) ${scope('o.contact_id')}
    ),
    trend as (
      select contact_id,
             avg(total_minor) filter (where rn <= 3)::float8 as recent,
             count(*) filter (where rn <= 3)::int as recent_n,
             avg(total_minor) filter (where rn between 4 and 9)::float8 as earlier,
             count(*) filter (where rn between 4 and 9)::int as earlier_n
      from ranked where rn <= 9
      group by contact_id
    ),
    judged as (
      select c.contact_id, c.last_order_at, c.days_since, c.gap, s.factor, s.ratio, t.recent, t.recent_n, t.earlier, t.earlier_n,
             (c.order_count >= 3 and c.gap is not null and c.days_since > s.factor * greatest(c.gap, 1)) as by_gap,
             (coalesce(t.earlier_n, 0) >= 2 and t.earlier > 0 and t.recent < s.ratio * t.earlier) as by_value
      from cand c cross join settings s left join trend t on t.contact_id = c.contact_id
    ),
    worded as (
      select *, case when by_value then round(100 * recent / earlier)::int end as recent_percent from judged
    ),
    flagged as (
      select contact_id,
             concat_ws('; ',
               case when by_gap then format('No order for %s days, more than %s× the usual gap of %s days',
                 floor(days_since)::int, factor::text, round(gap::numeric, 1)) end,
               case when by_value then format('Last %s orders average %s%% of the %s orders before them',
                 recent_n, recent_percent, earlier_n) end) as reason,
             -- Every figure the reason states, so a client can word it in the reader's language.
             jsonb_build_object('byGap', by_gap, 'byValue', by_value, 'daysSinceLastOrder', floor(days_since)::int,
               'medianGapDays', gap, 'factor', factor, 'ratio', ratio,
               'recentAvgMinor', round(recent::numeric), 'earlierAvgMinor', round(earlier::numeric),
               'recentOrders', recent_n, 'earlierOrders', earlier_n, 'recentPercent', recent_percent) as details,
             -- millisecond precision: the list's keyset cursor round-trips through a JS Date
             date_trunc('milliseconds', least(
               case when by_gap then last_order_at + make_interval(secs => factor * greatest(gap, 1) * 86400) end,
               case when by_value then last_order_at end)) as since
      from worded
      where by_gap or by_value
    ),
    removed as (
      delete from contact_flags f
      where f.workspace_id = ${workspaceId} and f.flag = 'slowing' ${scope('f.contact_id')}
        and not exists (select 1 from flagged x where x.contact_id = f.contact_id)
      returning 1
    )
    insert into contact_flags (contact_id, workspace_id, flag, reason, details, since, computed_at)
    select contact_id, ${workspaceId}, 'slowing', reason, details, since, now() from flagged
    on conflict (contact_id, flag) do update
      set reason = excluded.reason, details = excluded.details, since = excluded.since, computed_at = excluded.computed_at
      where contact_flags.workspace_id = excluded.workspace_id`.execute(db);
  return { flagged: Number(res.numAffectedRows ?? 0) };
}

export interface FlagView {
  flag: string;
  reason: string;
  since: Date;
  details: Record<string, unknown>;
  computedAt: Date;
}

export async function contactFlags(db: Executor, workspaceId: string, contactId: string): Promise<FlagView[]> {
  const rows = await db
    .selectFrom('contact_flags')
    .select(['flag', 'reason', 'since', 'details', 'computed_at'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('flag')
    .execute();
  return rows.map((r) => ({ flag: r.flag, reason: r.reason, since: r.since, details: r.details as Record<string, unknown>, computedAt: r.computed_at }));
}

export interface SlowingItem {
  contactId: string;
  name: string;
  ownerId: string | null;
  reason: string;
  since: Date;
  details: Record<string, unknown>;
}

/** Newest alerts first; keyset on (since, contact_id). */
export async function listSlowing(
  db: Executor,
  workspaceId: string,
  opts: { ownerId?: string; limit: number; after: [string, string] | null },
): Promise<{ items: SlowingItem[]; next: [string, string] | null }> {
  let q = db
    .selectFrom('contact_flags as f')
    .innerJoin('contacts as c', (j) => j.onRef('c.id', '=', 'f.contact_id').on('c.workspace_id', '=', workspaceId))
    .select(['f.contact_id', 'c.name', 'c.owner_id', 'f.reason', 'f.since', 'f.details'])
    .where('f.workspace_id', '=', workspaceId)
    .where('f.flag', '=', 'slowing')
    .where('c.merged_into', 'is', null)
    .where('c.deleted_at', 'is', null);
  if (opts.ownerId) q = q.where('c.owner_id', '=', opts.ownerId);
  if (opts.after) {
    const [since, id] = opts.after;
    q = q.where(sql<boolean>`(f.since, f.contact_id) < (${new Date(since)}::timestamptz, ${id}::uuid)`);
  }
  const rows = await q.orderBy('f.since', 'desc').orderBy('f.contact_id', 'desc').limit(opts.limit + 1).execute();
  const more = rows.length > opts.limit;
  const items = rows.slice(0, opts.limit).map((r) => ({
    contactId: r.contact_id,
    name: r.name,
    ownerId: r.owner_id,
    reason: r.reason,
    since: r.since,
    details: r.details as Record<string, unknown>,
  }));
  const last = items[items.length - 1];
  return { items, next: more && last ? [last.since.toISOString(), last.contactId] : null };
}
