import { z } from 'zod';
import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { getSegment } from './service.ts';

// Entries and exits per day, for the membership chart: one grouped scan instead of the client
// paging through every history row. Days are calendar days in the workspace's time zone, and
// every day of the window is present (zeros included) so the chart needs no gap logic.

export const MAX_DAILY_DAYS = 366;
export const dailyQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(MAX_DAILY_DAYS).default(30) });

export interface DailyHistory {
  timeZone: string;
  /** Size now; with the daily changes a client can draw the size at the end of each day. */
  size: number;
  days: Array<{ day: string; entered: number; exited: number }>;
}

export async function dailyHistory(db: Executor, workspaceId: string, id: string, days: number): Promise<DailyHistory> {
  const seg = await getSegment(db, workspaceId, id);
  const ws = await db.selectFrom('workspaces').select('time_zone').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const tz = ws.time_zone;
  const today = (await sql<{ today: string }>`select to_char((now() at time zone ${tz})::date, 'YYYY-MM-DD') as today`.execute(db)).rows[0].today;
  const res = await sql<{ day: string; entered: number; exited: number }>`
    select to_char((e.at at time zone ${tz})::date, 'YYYY-MM-DD') as day,
      count(*) filter (where e.change = 'entered')::int as entered,
      count(*) filter (where e.change = 'exited')::int as exited
    from segment_membership_events e
    where e.workspace_id = ${workspaceId} and e.segment_id = ${id}
      and (e.at at time zone ${tz})::date > ${today}::date - ${days}::int
      -- A bound the (segment_id, at) index can use; two days of slack cover any time-zone offset.
      and e.at > now() - make_interval(days => ${days}::int + 2)
    group by 1`.execute(db);
  return { timeZone: ws.time_zone, size: seg.health.size, days: fillDays(today, days, res.rows) };
}

/** The `days` calendar days ending with `today` (YYYY-MM-DD), oldest first, with zeros where nothing changed. */
export function fillDays(today: string, days: number, rows: Array<{ day: string; entered: number; exited: number }>) {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const end = Date.parse(today + 'T00:00:00Z');
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    const r = byDay.get(day);
    return { day, entered: r?.entered ?? 0, exited: r?.exited ?? 0 };
  });
}
