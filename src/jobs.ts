import type { JobHandler } from './platform/jobs.ts';

// Every background job kind, in one map: capability → handler.
export const jobHandlers: Record<string, JobHandler> = {};
