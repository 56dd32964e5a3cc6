import { rmSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { JobHandler } from '../platform/jobs.ts';
import { runImport } from './run-import.ts';
import { IMPORT_JOB, uploadsDir } from './service.ts';

// The import job: runs in the worker loop of `rapport start` and of `rapport worker`. Progress is
// also written to the job (which extends its lease); a retried job resumes after the last batch.
export const importJobHandlers: Record<string, JobHandler> = {
  [IMPORT_JOB]: async (job, ctx) => {
    const importId = String(job.payload.importId ?? '');
    const owned = await ctx.engine.db
      .selectFrom('imports')
      .select(['id', 'file_path'])
      .where('id', '=', importId)
      .where('workspace_id', '=', job.workspace_id)
      .executeTakeFirst();
    if (!owned) throw new Error(`Import ${importId} not found in workspace ${job.workspace_id}`);
    const counts = await runImport(ctx.engine, importId, { onProgress: (p) => ctx.progress({ ...p }) });
    // The uploaded copy is no longer needed (the report lives in import_rejections); a file
    // named by `rapport import` is the user's own and is never removed.
    const rel = relative(uploadsDir(), owned.file_path);
    if (!rel.startsWith('..') && !isAbsolute(rel)) rmSync(owned.file_path, { force: true });
    return counts;
  },
};
