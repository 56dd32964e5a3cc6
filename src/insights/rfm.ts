import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';

/*
 * RFM scores, set-based in one statement per workspace.
 *   recency   = whole days since the last counted order (lower is better → 5)
 *   frequency = counted orders;  monetary = total_minor (workspace currency), from contact_order_stats
 * Each is ntile(5) over the workspace's customers with orders. ntile alone would give two customers
 * with the same value different scores (most customers have exactly one order); so a customer's score
 * is the lowest ntile handed to anyone with the same value: equal figures ⇒ equal scores.
 * The label comes from the usual R×F grid (monetary is scored and shown, not used by the grid).
 */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal customers',
  'Potential loyalists',
  'New customers',
  'Promising',
  'Need attention',
  'About to sleep',
  "Can't lose them",
  'At risk',
  'Hibernating',
] as const;

export function rfmLabel(r: number, f: number): string {
  if (r <= 2) return f <= 2 ? 'Hibernating' : f <= 4 ? 'At risk' : "Can't lose them";
  if (r === 3) return f <= 2 ? 'About to sleep' : f === 3 ? 'Need attention' : 'Loyal customers';
  if (f === 1) return r === 4 ? 'Promising' : 'New customers';
  if (f <= 3) return 'Potential loyalists';
  return r === 4 ? 'Loyal customers' : 'Champions';
}

/** The same grid in SQL, so labels are written set-based. */
const labelSql = sql`case
  when s.r <= 2 then case when s.f <= 2 then 'Hibernating' when s.f <= 4 then 'At risk' else 'Can''t lose them' end
  when s.r = 3 then case when s.f <= 2 then 'About to sleep' when s.f = 3 then 'Need attention' else 'Loyal customers' end
  when s.f = 1 then case when s.r = 4 then 'Promising' else 'New customers' end
  when s.f <= 3 then 'Potential loyalists'
  when s.r = 4 then 'Loyal customers'
  else 'Champions' end`;

/** Recomputes every score of the workspace; customers without orders (any more) lose theirs. */
export async function recomputeRfm(db: Executor, workspaceId: string): Promise<{ customers: number }> {
  await db.deleteFrom('contact_rfm').where('workspace_id', '=', workspaceId).execute();
  const res = await sql`
    with base as (
      select st.contact_id,
             floor(extract(epoch from now() - st.last_order_at) / 86400)::int as recency_days,
             st.order_count, st.total_minor
      from contact_order_stats st
      join contacts c on c.id = st.contact_id and c.workspace_id = ${workspaceId}
        and c.merged_into is null and c.deleted_at is null
      where st.workspace_id = ${workspaceId} and st.order_count > 0 and st.last_order_at is not null
    ),
    tiles as (
      select contact_id, recency_days, order_count, total_minor,
             ntile(5) over (order by recency_days desc, contact_id) as rt,
             ntile(5) over (order by order_count, contact_id) as ft,
             ntile(5) over (order by total_minor, contact_id) as mt
      from base
    ),
    s as (
      select contact_id,
             min(rt) over (partition by recency_days) as r,
             min(ft) over (partition by order_count) as f,
             min(mt) over (partition by total_minor) as m
      from tiles
    )
    insert into contact_rfm (contact_id, workspace_id, r, f, m, segment, computed_at)
    select s.contact_id, ${workspaceId}, s.r, s.f, s.m, ${labelSql}, now() from s`.execute(db);
  return { customers: Number(res.numAffectedRows ?? 0) };
}

export interface RfmDistribution {
  computedAt: Date | null;
  customers: number;
  segments: Array<{ segment: string; customers: number }>;
  cells: Array<{ r: number; f: number; customers: number; segment: string }>;
  r: Array<{ score: number; customers: number }>;
  f: Array<{ score: number; customers: number }>;
  m: Array<{ score: number; customers: number }>;
}

export async function rfmDistribution(db: Executor, workspaceId: string): Promise<RfmDistribution> {
  const cells = await db
    .selectFrom('contact_rfm')
    .select(['r', 'f', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.max('computed_at').as('at')])
    .where('workspace_id', '=', workspaceId)
    .groupBy(['r', 'f'])
    .execute();
  const ms = await db
    .selectFrom('contact_rfm')
    .select(['m', (eb) => eb.fn.countAll<string>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('m')
    .execute();
  const bySegment = new Map<string, number>(RFM_SEGMENTS.map((s) => [s, 0]));
  const byR = new Map<number, number>();
  const byF = new Map<number, number>();
  let total = 0;
  let at: Date | null = null;
  for (const c of cells) {
    const n = Number(c.n);
    total += n;
    const label = rfmLabel(c.r, c.f);
    bySegment.set(label, (bySegment.get(label) ?? 0) + n);
    byR.set(c.r, (byR.get(c.r) ?? 0) + n);
    byF.set(c.f, (byF.get(c.f) ?? 0) + n);
    const cAt = c.at ? new Date(c.at as Date) : null;
    if (cAt && (!at || cAt > at)) at = cAt;
  }
  const scores = (m: Map<number, number>) => [1, 2, 3, 4, 5].map((score) => ({ score, customers: m.get(score) ?? 0 }));
  const cellMap = new Map(cells.map((c) => [`${c.r}${c.f}`, Number(c.n)]));
  return {
    computedAt: at,
    customers: total,
    segments: [...bySegment].map(([segment, customers]) => ({ segment, customers })),
    cells: [1, 2, 3, 4, 5].flatMap((r) => [1, 2, 3, 4, 5].map((f) => ({ r, f, customers: cellMap.get(`${r}${f}`) ?? 0, segment: rfmLabel(r, f) }))),
    r: scores(byR),
    f: scores(byF),
    m: scores(new Map(ms.map((x) => [x.m, Number(x.n)]))),
  };
}
