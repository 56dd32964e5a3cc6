import type { Executor } from '../platform/http.ts';
import { DEFAULT_GAP_FACTOR, DEFAULT_VALUE_RATIO } from './slowing.ts';

export interface InsightSettings {
  slowingGapFactor: number;
  slowingValueRatio: number;
}

export async function getSettings(db: Executor, workspaceId: string): Promise<InsightSettings> {
  const row = await db.selectFrom('insight_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return {
    slowingGapFactor: row ? Number(row.slowing_gap_factor) : DEFAULT_GAP_FACTOR,
    slowingValueRatio: row ? Number(row.slowing_value_ratio) : DEFAULT_VALUE_RATIO,
  };
}

export async function updateSettings(db: Executor, workspaceId: string, patch: Partial<InsightSettings>): Promise<{ before: InsightSettings; after: InsightSettings }> {
  const before = await getSettings(db, workspaceId);
  const after = { ...before, ...patch };
  await db
    .insertInto('insight_settings')
    .values({ workspace_id: workspaceId, slowing_gap_factor: after.slowingGapFactor, slowing_value_ratio: after.slowingValueRatio, updated_at: new Date() })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ slowing_gap_factor: after.slowingGapFactor, slowing_value_ratio: after.slowingValueRatio, updated_at: new Date() }))
    .execute();
  return { before, after };
}
