import { ADMIN_ONLY, READ_ANY, WRITE_CUSTOMERS } from '../auth/roles.ts';
import { NotFound, ValidationError } from '../platform/errors.ts';
import { decodeCursor, defineRoutes, encodeCursor, route } from '../platform/http.ts';
import { clusterMembersQuery, latestClusters } from './clusters.ts';
import { CLUSTERS_JOB, insightsJob, latestJob, RFM_JOB, SLOWING_JOB, startInsightsJob } from './jobs.ts';
import { createSegment } from '../segments/service.ts';
import type { Role } from '../platform/tables.ts';
import { rfmDistribution } from './rfm.ts';
import * as s from './schema.ts';
import { getSettings, updateSettings } from './settings.ts';
import { contactFlags, listSlowing } from './slowing.ts';
import { listValuable } from './valuable.ts';

// Groups found in the data: RFM scores, k-means clusters, slowing-customer alerts, valuable customers.
// Recomputes run as background jobs; poll GET /api/v1/insights/jobs/:jobId.

const TAG = 'Insights';
/** Same writers as the segments capability: a saved group is a segment. */
const SEGMENT_WRITERS: readonly Role[] = ['admin', 'marketer'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function badCursor(): never {
  throw ValidationError.field('query.cursor', 'Invalid cursor');
}

export const insightsRoutes = defineRoutes([
  route({
    method: 'POST', url: '/api/v1/insights/rfm/recompute', tag: TAG, roles: WRITE_CUSTOMERS, body: s.noBody, status: 202,
    summary: 'Recompute the RFM scores of every customer with orders (background job)',
    handler: async (ctx) => {
      const job = await startInsightsJob(ctx.db, ctx.auth.workspaceId, RFM_JOB, {}, ctx.auth.userId);
      await ctx.audit({ action: 'insights.rfm.recompute', entity: 'job', entityId: job.jobId });
      return job;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/insights/rfm', tag: TAG, roles: READ_ANY,
    summary: 'RFM distribution: customers per label, per R×F cell and per score',
    handler: (ctx) => rfmDistribution(ctx.db, ctx.auth.workspaceId),
  }),
  route({
    method: 'POST', url: '/api/v1/insights/clusters', tag: TAG, roles: WRITE_CUSTOMERS, body: s.clustersBody, status: 202,
    summary: 'Find k groups of customers with similar order behaviour (k-means; k default 5, or "auto")',
    handler: async (ctx, { body }) => {
      const payload = { k: body?.k ?? 5, ...(body?.seed === undefined ? {} : { seed: body.seed }) };
      const job = await startInsightsJob(ctx.db, ctx.auth.workspaceId, CLUSTERS_JOB, payload, ctx.auth.userId);
      await ctx.audit({ action: 'insights.clusters.run', entity: 'job', entityId: job.jobId, after: payload });
      return job;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/insights/clusters', tag: TAG, roles: READ_ANY,
    summary: 'The latest clustering: groups with labels (`label` in English, `labelParts` to word in any language) and figures, the suggested k, and the latest clustering job',
    handler: async (ctx) => ({
      latest: await latestClusters(ctx.db, ctx.auth.workspaceId),
      job: await latestJob(ctx.db, ctx.auth.workspaceId, CLUSTERS_JOB),
    }),
  }),
  route({
    method: 'GET', url: '/api/v1/insights/clusters/:clusterId/members', tag: TAG, roles: READ_ANY, params: s.clusterParams, query: s.pageQuery,
    summary: 'The customers in a group (latest run): contact ids, and their names in `people`',
    handler: async (ctx, { params, query }) => {
      const ws = ctx.auth.workspaceId;
      const exists = await ctx.db.selectFrom('insight_clusters').select('id').where('workspace_id', '=', ws).where('id', '=', params.clusterId).executeTakeFirst();
      if (!exists) throw new NotFound('Cluster');
      const after = decodeCursor(query.cursor, 1);
      if (after && !(typeof after[0] === 'string' && UUID.test(after[0]))) badCursor();
      let q = clusterMembersQuery(ctx.db, ws, params.clusterId);
      if (after) q = q.where('contact_id', '>', after[0] as string);
      const rows = await q.orderBy('contact_id').limit(query.limit + 1).execute();
      const items = rows.slice(0, query.limit).map((r) => r.contact_id);
      // Names for the page, so a list of members needs no request per person.
      const people = items.length
        ? await ctx.db.selectFrom('contacts').select(['id', 'name']).where('workspace_id', '=', ws).where('id', 'in', items).orderBy('id').execute()
        : [];
      return { items, people, nextCursor: rows.length > query.limit ? encodeCursor([items[items.length - 1]]) : null };
    },
  }),
  route({
    method: 'POST', url: '/api/v1/insights/clusters/:clusterId/segment', tag: TAG, roles: SEGMENT_WRITERS, params: s.clusterParams, body: s.clusterSegmentBody, status: 201,
    summary: 'Save a group as a dynamic segment: customers whose current figures are nearest its centre (stays valid after later runs)',
    handler: async (ctx, { params, body }) => {
      const ws = ctx.auth.workspaceId;
      const cluster = await ctx.db.selectFrom('insight_clusters').select(['id', 'label', 'center']).where('workspace_id', '=', ws).where('id', '=', params.clusterId).executeTakeFirst();
      if (!cluster) throw new NotFound('Cluster');
      const rule = { type: 'cluster', op: 'in', clusterId: cluster.id };
      // Built by the segments.rebuild job createSegment queues, like any saved rule.
      const seg = await createSegment(ctx.db, ws, { name: body?.name ?? cluster.label, description: body?.description ?? null, kind: 'dynamic', rule }, ctx.auth.userId);
      await ctx.audit({ action: 'segment.create', entity: 'segment', entityId: seg.id, after: { name: seg.name, kind: seg.kind, rule: seg.rule, fromCluster: cluster.id } });
      return seg;
    },
  }),
  route({
    method: 'POST', url: '/api/v1/insights/slowing/recompute', tag: TAG, roles: WRITE_CUSTOMERS, body: s.noBody, status: 202,
    summary: 'Recompute the slowing-customer flags of the workspace (background job)',
    handler: async (ctx) => {
      const job = await startInsightsJob(ctx.db, ctx.auth.workspaceId, SLOWING_JOB, {}, ctx.auth.userId);
      await ctx.audit({ action: 'insights.slowing.recompute', entity: 'job', entityId: job.jobId });
      return job;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/insights/slowing', tag: TAG, roles: READ_ANY, query: s.slowingQuery,
    summary: 'Slowing customers (gaps growing or order value falling), newest alerts first; filter by owner (a user id, or "me")',
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, 2);
      if (after && !(typeof after[0] === 'string' && !Number.isNaN(Date.parse(after[0])) && typeof after[1] === 'string' && UUID.test(after[1]))) badCursor();
      if (query.ownerId === 'me' && !ctx.auth.userId) throw ValidationError.field('query.ownerId', 'An API key has no user: give an owner id instead of "me"');
      const ownerId = query.ownerId === 'me' ? ctx.auth.userId! : query.ownerId;
      const page = await listSlowing(ctx.db, ctx.auth.workspaceId, { ownerId, limit: query.limit, after: after as [string, string] | null });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  }),
  route({
    method: 'GET', url: '/api/v1/contacts/:id/flags', tag: TAG, roles: READ_ANY, params: s.contactParams,
    summary: "A customer's alerts (e.g. slowing) with the reason: `reason` in English, the figures it states in `details`",
    handler: async (ctx, { params }) => {
      const c = await ctx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ctx.auth.workspaceId).where('id', '=', params.id).executeTakeFirst();
      if (!c) throw new NotFound('Contact');
      return { items: await contactFlags(ctx.db, ctx.auth.workspaceId, params.id) };
    },
  }),
  route({
    method: 'GET', url: '/api/v1/insights/valuable', tag: TAG, roles: READ_ANY, query: s.valuableQuery,
    summary: 'The most valuable customers: money spent over the last windowDays, largest first',
    handler: (ctx, { query }) => listValuable(ctx.db, ctx.auth.workspaceId, query),
  }),
  route({
    method: 'GET', url: '/api/v1/insights/settings', tag: TAG, roles: READ_ANY,
    summary: 'Insight settings: the slowing gap factor and value ratio',
    handler: (ctx) => getSettings(ctx.db, ctx.auth.workspaceId),
  }),
  route({
    method: 'PUT', url: '/api/v1/insights/settings', tag: TAG, roles: ADMIN_ONLY, body: s.settingsBody,
    summary: 'Change the insight settings; the slowing flags are recomputed in the background',
    handler: async (ctx, { body }) => {
      const { before, after } = await updateSettings(ctx.db, ctx.auth.workspaceId, body);
      await ctx.audit({ action: 'insights.settings.update', entity: 'insight_settings', entityId: ctx.auth.workspaceId, before, after });
      const job = await startInsightsJob(ctx.db, ctx.auth.workspaceId, SLOWING_JOB, {}, ctx.auth.userId);
      return { ...after, recomputeJobId: job.jobId };
    },
  }),
  route({
    method: 'GET', url: '/api/v1/insights/jobs/:jobId', tag: TAG, roles: READ_ANY, params: s.jobParams,
    summary: 'State, progress and result of an insights recompute job',
    handler: (ctx, { params }) => insightsJob(ctx.db, ctx.auth.workspaceId, params.jobId),
  }),
]);
