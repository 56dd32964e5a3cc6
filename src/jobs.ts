import type { JobHandler } from './platform/jobs.ts';
import { importJobHandlers } from './imports/jobs.ts';
import { segmentJobHandlers } from './segments/jobs.ts';
import { insightsJobHandlers } from './insights/jobs.ts';
import { figuresJobHandlers } from './orders/figures-upgrade.ts';

// Every background job kind, in one map: capability → handler.
export const jobHandlers: Record<string, JobHandler> = { ...importJobHandlers, ...segmentJobHandlers, ...insightsJobHandlers, ...figuresJobHandlers };
