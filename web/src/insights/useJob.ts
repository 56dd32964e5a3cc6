import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import { JOB_POLL_MS, jobRunning } from './logic.ts';
import type { Job } from './types.ts';

/**
 * Follows a background job (202 + jobId) until it ends, then refreshes `invalidate` so the page
 * shows the new figures. `initial` is a job the server already reported (e.g. the latest run).
 */
export function useJob(invalidate: readonly unknown[], initial?: Job | null) {
  const qc = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const id = jobId ?? (jobRunning(initial) ? initial!.id : null);
  const job = useQuery({
    queryKey: ['insights', 'job', id],
    queryFn: ({ signal }) => get<Job>(`/insights/jobs/${id}`, signal),
    enabled: !!id,
    refetchInterval: (q) => (jobRunning(q.state.data) || !q.state.data ? JOB_POLL_MS : false),
  });
  const done = !!job.data && !jobRunning(job.data);
  useEffect(() => {
    if (done) void qc.invalidateQueries({ queryKey: invalidate });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [done, job.data?.id]);
  return { job: id ? (job.data ?? null) : null, start: setJobId };
}
