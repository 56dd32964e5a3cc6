import { z } from 'zod';

// Request shapes for the insights endpoints.

export const noBody = z.object({}).strict().optional();

export const clustersBody = z
  .object({
    k: z.union([z.number().int().min(2).max(20), z.literal('auto')]).optional(),
    seed: z.number().int().min(0).max(2_147_483_647).optional(),
  })
  .strict()
  .optional();

export const clusterParams = z.object({ clusterId: z.uuid('Expected a cluster id') }).strict();
export const contactParams = z.object({ id: z.uuid('Expected a contact id') }).strict();
export const jobParams = z.object({ jobId: z.uuid('Expected a job id') }).strict();

export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();

/** ownerId: a user id, or 'me' for the signed-in user (the default view of the slowing list). */
export const slowingQuery = pageQuery.extend({ ownerId: z.union([z.literal('me'), z.uuid('Expected a user id or "me"')]).optional() }).strict();

export const valuableQuery = z
  .object({
    windowDays: z.coerce.number().int().min(1).max(3650).default(365),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
  })
  .strict();

export const settingsBody = z
  .object({
    slowingGapFactor: z.number().min(1).max(20).optional(),
    slowingValueRatio: z.number().gt(0).lt(1).optional(),
  })
  .strict()
  .refine((b) => b.slowingGapFactor !== undefined || b.slowingValueRatio !== undefined, 'Give slowingGapFactor and/or slowingValueRatio');

const noNul = (v: string) => !v.includes('\u0000');
export const clusterSegmentBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).refine(noNul, 'Contains a NUL character').optional(),
    description: z.string().max(2000).refine(noNul, 'Contains a NUL character').nullable().optional(),
  })
  .optional();
