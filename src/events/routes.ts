import { ADMIN_ONLY } from '../auth/roles.ts';
import { defineRoutes, route, type RouteDef } from '../platform/http.ts';
import { forgetWriteKeys, ingestBatch, ingestOne } from './ingest.ts';
import { presenceRoutes } from './presence-routes.ts';
import { LIMITS, eventSourceBody, idParams, type SegmentType } from './schema.ts';
import { createEventSource, listEventSources, revokeEventSource } from './write-keys.ts';

// Segment-compatible ingestion at /v1 (write key as HTTP Basic user name, outside API-key auth),
// the admin endpoints for write keys, and the presence sensors (presence-routes.ts).
// /v1/batch answers 200 with a per-event report; 400 only when every event was refused.

const TAG = 'Events';

function single(type: SegmentType): RouteDef {
  return route({
    method: 'POST', url: `/v1/${type}`, tag: TAG, summary: `Segment ${type} call (write key as Basic user name)`, roles: 'public',
    bodyLimit: LIMITS.eventBytes,
    handler: (ctx) => ingestOne(ctx.engine, ctx.req, type),
  });
}

export const eventsRoutes = defineRoutes([
  ...(['identify', 'track', 'page', 'screen', 'group', 'alias'] as const).map(single),
  route({
    method: 'POST', url: '/v1/batch', tag: TAG, summary: 'Segment batch: per-event report (200), 400 only if every event fails', roles: 'public',
    bodyLimit: LIMITS.batchBytes,
    handler: (ctx) => ingestBatch(ctx.engine, ctx.req),
  }),
  route({
    method: 'GET', url: '/api/v1/event-sources', tag: TAG, summary: 'List event sources (write keys, by prefix)', roles: ADMIN_ONLY,
    handler: (ctx) => listEventSources(ctx.db, ctx.auth.workspaceId).then((items) => ({ items })),
  }),
  route({
    method: 'POST', url: '/api/v1/event-sources', tag: TAG, summary: 'Create an event source; the write key is shown once', roles: ADMIN_ONLY,
    body: eventSourceBody, status: 201, secretResponse: true,
    handler: async (ctx, { body }) => {
      const created = await createEventSource(ctx.db, ctx.auth.workspaceId, body.name, ctx.auth.userId);
      const { writeKey: _secret, ...after } = created;
      await ctx.audit({ action: 'event_source.create', entity: 'event_source', entityId: created.id, after });
      return created;
    },
  }),
  route({
    method: 'DELETE', url: '/api/v1/event-sources/:id', tag: TAG, summary: 'Revoke an event source', roles: ADMIN_ONLY, params: idParams,
    handler: async (ctx, { params }) => {
      const { before, after } = await revokeEventSource(ctx.db, ctx.auth.workspaceId, params.id);
      forgetWriteKeys();
      await ctx.audit({ action: 'event_source.revoke', entity: 'event_source', entityId: params.id, before, after });
      return after;
    },
  }),
  ...presenceRoutes,
]);
