import type { Engine } from './platform/db.ts';
import type { Logger } from './platform/log.ts';
import { runJobsLoop } from './platform/jobs.ts';
import { jobHandlers } from './jobs.ts';
import { startInsightsScheduler } from './insights/schedule.ts';
import { startSegmentScheduler } from './segments/jobs.ts';
import { startRefreshLoop } from './segments/refresh-queue.ts';
import { queueStaleFigures } from './orders/figures-upgrade.ts';

/** Job loop only (same wiring as main, no HTTP), for scale-out with `rapport worker`. */
export function startWorker(deps: { engine: Engine; log: Logger }): { stop(): Promise<void> } {
  // Figures of an older definition (a release added one): recomputed in the background.
  queueStaleFigures(deps.engine.db).catch((err) => deps.log.error({ err }, 'queueing the order-figure recompute failed'));
  const loop = runJobsLoop({ engine: deps.engine, log: deps.log, handlers: jobHandlers });
  const segments = startSegmentScheduler(deps);
  // RFM scores and slowing flags that change only because time passes: once a day.
  const insights = startInsightsScheduler(deps);
  // Customers touched by a write: their segments and slowing flag, within ~1 s (decision 0015).
  const refresh = startRefreshLoop(deps);
  return { stop: async () => (segments.stop(), insights.stop(), await refresh.stop(), loop.stop()) };
}
