import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { valueRanking } from './conditions.ts';

export interface ValuableItem {
  rank: number;
  contactId: string;
  name: string;
  ownerId: string | null;
  valueMinor: number;
  orders: number;
}

/** The most valuable customers over a window, same ranking as valueRankCondition. */
export async function listValuable(db: Executor, workspaceId: string, opts: { windowDays: number; limit: number }): Promise<{ windowDays: number; currency: string; customers: number; items: ValuableItem[] }> {
  const rows = await sql<{ contact_id: string; value_minor: string; orders: string; rn: string; cnt: string; name: string; owner_id: string | null }>`
    select r.*, c.name, c.owner_id
    from ${valueRanking(workspaceId, opts.windowDays)} r
    join contacts c on c.id = r.contact_id and c.workspace_id = ${workspaceId}
    where r.rn <= ${opts.limit}
    order by r.rn`.execute(db);
  const ws = await db.selectFrom('workspaces').select('currency').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  return {
    windowDays: opts.windowDays,
    currency: ws.currency,
    customers: rows.rows.length ? Number(rows.rows[0].cnt) : 0,
    items: rows.rows.map((r) => ({
      rank: Number(r.rn),
      contactId: r.contact_id,
      name: r.name,
      ownerId: r.owner_id,
      valueMinor: Number(r.value_minor),
      orders: Number(r.orders),
    })),
  };
}
