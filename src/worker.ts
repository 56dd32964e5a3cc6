import type { Engine } from './platform/db.ts';
import type { Logger } from './platform/log.ts';
import { runJobsLoop } from './platform/jobs.ts';
import { jobHandlers } from './jobs.ts';
import { startSegmentScheduler } from './segments/jobs.ts';

/** Job loop only (same wiring as main, no HTTP), for scale-out with `rapport worker`. */
export function startWorker(deps: { engine: Engine; log: Logger }): { stop(): Promise<void> } {
  const loop = runJobsLoop({ engine: deps.engine, log: deps.log, handlers: jobHandlers });
  const segments = startSegmentScheduler(deps);
  return { stop: async () => (segments.stop(), loop.stop()) };
}
