import { z } from 'zod';
import { READ_ANY } from '../auth/roles.ts';
import { shortText } from '../contacts/schema.ts';
import { NotFound } from '../platform/errors.ts';
import { defineRoutes, route } from '../platform/http.ts';
import { EVENT_TYPES, LIMITS } from './schema.ts';
import { getEvent, listEvents } from './stream.ts';

// Reading events: the workspace stream, one customer's events (contactId), and one event.

const TAG = 'Events';
const eventId = z.string().regex(/^\d{1,19}$/, 'Expected an event id').refine((s) => !/^\d{1,19}$/.test(s) || BigInt(s) <= 9223372036854775807n, 'Expected an event id');
const instant = z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' });

export const streamQuery = z
  .strictObject({
    type: z.enum(EVENT_TYPES, `Expected one of ${EVENT_TYPES.join(', ')}`).optional(),
    event: shortText(LIMITS.name).pipe(z.string().min(1, 'Empty event name')).optional(),
    contactId: z.uuid('Not a valid id').optional(),
    anonymousId: shortText(LIMITS.idText).pipe(z.string().min(1, 'Empty id')).optional(),
    since: instant.optional(),
    until: instant.optional(),
    after: eventId.optional(),
    cursor: z.string().max(500, 'Invalid cursor').optional(),
    limit: z.coerce.number('Expected a number').int('Expected a whole number').min(1, 'At least 1').max(200, 'At most 200').default(50),
  })
  .superRefine((q, ctx) => {
    if (q.after && q.cursor) ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'Use either cursor (older events) or after (newer events), not both' });
    if (q.since && q.until && Date.parse(q.since) >= Date.parse(q.until)) ctx.addIssue({ code: 'custom', path: ['until'], message: 'Must be after since' });
  });

const eventParams = z.strictObject({ id: eventId });

export const streamRoutes = defineRoutes([
  route({
    method: 'GET', url: '/api/v1/events', tag: TAG, roles: READ_ANY, query: streamQuery,
    summary: 'Stored events, newest first (contactId: that customer’s, in time order); poll with `after` = the last resumeAfter for new ones',
    handler: (ctx, { query }) => listEvents(ctx.db, ctx.auth.workspaceId, query),
  }),
  route({
    method: 'GET', url: '/api/v1/events/:id', tag: TAG, roles: READ_ANY, params: eventParams, summary: 'One stored event',
    handler: async (ctx, { params }) => {
      const e = await getEvent(ctx.db, ctx.auth.workspaceId, params.id);
      if (!e) throw new NotFound('Event');
      return e;
    },
  }),
]);
