import { enqueueJobOnce, type JobHandler } from '../platform/jobs.ts';
import type { Executor } from '../platform/http.ts';
import { recomputeOrderFiguresForWorkspace } from './figures.ts';

// The order figures are kept by every write, so stored figures only go stale when their
// definition or the settings they depend on change: a release that adds a figure (bump
// FIGURES_VERSION, and the column default in the same migration), or an admin changing the
// workspace currency or payment terms. Either way the workspace's figures are recomputed once, in
// the background, set-based (a few seconds for 1,000,000 customers).

/** The definition in figures-sql.ts; a workspace at a lower figures_version is recomputed. */
export const FIGURES_VERSION = 1;
export const FIGURES_JOB = 'orders.figures';

/** Queues one recompute for the workspace unless one is already waiting. */
export async function queueFiguresRecompute(db: Executor, workspaceId: string, createdBy: string | null = null): Promise<void> {
  await enqueueJobOnce(db, { workspaceId, kind: FIGURES_JOB, createdBy });
}

/** At worker start: every workspace whose figures follow an older definition. */
export async function queueStaleFigures(db: Executor): Promise<number> {
  const stale = await db.selectFrom('workspaces').select('id').where('figures_version', '<', FIGURES_VERSION).execute();
  for (const w of stale) await queueFiguresRecompute(db, w.id);
  return stale.length;
}

export const figuresJobHandlers: Record<string, JobHandler> = {
  [FIGURES_JOB]: (job, ctx) =>
    ctx.engine.db.transaction().execute(async (trx) => {
      await recomputeOrderFiguresForWorkspace(trx, job.workspace_id);
      await trx.updateTable('workspaces').set({ figures_version: FIGURES_VERSION }).where('id', '=', job.workspace_id).execute();
      return { figuresVersion: FIGURES_VERSION };
    }),
};
