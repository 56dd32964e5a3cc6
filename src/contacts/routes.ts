import { ADMIN_ONLY, READ_ANY, WRITE_CUSTOMERS } from '../auth/roles.ts';
import { defineRoutes, route, type RouteContext, type RouteDef } from '../platform/http.ts';
import { createAttribute, deleteAttribute, listAttributes, updateAttribute } from './attributes.ts';
import { mergeContacts } from './merge.ts';
import { listContacts, listTags } from './queries.ts';
import * as s from './schema.ts';
import { createContact, deleteContact, getContact, lookupContact, updateContact, type Actor } from './service.ts';
import type { ContactKind } from './tables.ts';
import { listTimeline, logInteraction } from './timeline.ts';
import { contact360 } from './view360.ts';
import { loadContact } from './records.ts';

// People, companies, identity lookup, the 360° view, the timeline, custom attributes, merge and tags.
// A merged-away id answers 404 with error.fields.mergedInto = [keptId] (see records.ts).

const actor = (ctx: RouteContext): Actor => ({ workspaceId: ctx.auth.workspaceId, userId: ctx.auth.userId, audit: ctx.audit });
const TAG = 'Contacts';

/** The five CRUD routes of one kind: /api/v1/people or /api/v1/companies. */
function recordRoutes(kind: ContactKind, path: string, body: typeof s.personBody | typeof s.companyBody, patch: typeof s.personPatch | typeof s.companyPatch): RouteDef[] {
  const noun = kind === 'person' ? 'person' : 'company';
  return [
    route({
      method: 'POST', url: path, tag: TAG, summary: `Create a ${noun}`, roles: WRITE_CUSTOMERS, status: 201, body,
      handler: (ctx, { body }) => createContact(ctx.db, actor(ctx), kind, body),
    }),
    route({
      method: 'GET', url: path, tag: TAG, summary: `List or search ${noun === 'person' ? 'people' : 'companies'}`, roles: READ_ANY, query: s.listQuery,
      handler: (ctx, { query }) => listContacts(ctx.db, ctx.auth.workspaceId, kind, query),
    }),
    route({
      method: 'GET', url: `${path}/:id`, tag: TAG, summary: `Get a ${noun}`, roles: READ_ANY, params: s.idParams,
      handler: (ctx, { params }) => getContact(ctx.db, ctx.auth.workspaceId, params.id, kind),
    }),
    route({
      method: 'PATCH', url: `${path}/:id`, tag: TAG, summary: `Change a ${noun} (tags: addTags/removeTags)`, roles: WRITE_CUSTOMERS, params: s.idParams, body: patch,
      handler: (ctx, { params, body }) => updateContact(ctx.db, actor(ctx), kind, params.id, body),
    }),
    route({
      method: 'DELETE', url: `${path}/:id`, tag: TAG, summary: `Delete a ${noun} (soft; frees its e-mails, phones, external ids)`, roles: WRITE_CUSTOMERS, params: s.idParams, status: 204,
      handler: async (ctx, { params }) => { await deleteContact(ctx.db, actor(ctx), kind, params.id); return undefined; },
    }),
  ];
}

export const contactsRoutes = defineRoutes([
  ...recordRoutes('person', '/api/v1/people', s.personBody, s.personPatch),
  ...recordRoutes('company', '/api/v1/companies', s.companyBody, s.companyPatch),

  route({
    method: 'GET', url: '/api/v1/contacts/lookup', tag: TAG, summary: 'Find the contact with an e-mail, phone or external id', roles: READ_ANY, query: s.lookupQuery,
    handler: (ctx, { query }) => lookupContact(ctx.db, ctx.auth.workspaceId, query),
  }),
  route({
    method: 'POST', url: '/api/v1/contacts/merge', tag: TAG, summary: 'Merge a duplicate into the record kept', roles: WRITE_CUSTOMERS, body: s.mergeBody,
    handler: (ctx, { body }) => mergeContacts(ctx.db, actor(ctx), body.keepId, body.mergeId),
  }),
  route({
    method: 'GET', url: '/api/v1/contacts/:id', tag: TAG, summary: 'Get a person or company', roles: READ_ANY, params: s.idParams,
    handler: (ctx, { params }) => getContact(ctx.db, ctx.auth.workspaceId, params.id),
  }),
  route({
    method: 'GET', url: '/api/v1/contacts/:id/360', tag: TAG, summary: 'The 360° view: profile, company, order figures, latest timeline, open complaints', roles: READ_ANY, params: s.idParams,
    handler: (ctx, { params }) => contact360(ctx.db, ctx.auth.workspaceId, params.id),
  }),
  route({
    method: 'GET', url: '/api/v1/contacts/:id/timeline', tag: TAG, summary: 'Timeline, newest first', roles: READ_ANY, params: s.idParams, query: s.timelineQuery,
    handler: async (ctx, { params, query }) => {
      await loadContact(ctx.db, ctx.auth.workspaceId, params.id);
      return listTimeline(ctx.db, ctx.auth.workspaceId, params.id, query);
    },
  }),
  route({
    method: 'POST', url: '/api/v1/contacts/:id/timeline', tag: TAG, summary: 'Log a note, call, meeting… on the timeline', roles: WRITE_CUSTOMERS, status: 201, params: s.idParams, body: s.interactionBody,
    handler: (ctx, { params, body }) => logInteraction(ctx.db, actor(ctx), params.id, body),
  }),

  route({
    method: 'GET', url: '/api/v1/attributes', tag: TAG, summary: 'Custom attribute definitions', roles: READ_ANY,
    handler: async (ctx) => ({ items: await listAttributes(ctx.db, ctx.auth.workspaceId) }),
  }),
  route({
    method: 'POST', url: '/api/v1/attributes', tag: TAG, summary: 'Define a custom attribute', roles: WRITE_CUSTOMERS, status: 201, body: s.attributeBody,
    handler: (ctx, { body }) => createAttribute(ctx.db, actor(ctx), body),
  }),
  route({
    method: 'PATCH', url: '/api/v1/attributes/:key', tag: TAG, summary: 'Relabel an attribute or add choices', roles: WRITE_CUSTOMERS, params: s.attributeParams, body: s.attributePatch,
    handler: (ctx, { params, body }) => updateAttribute(ctx.db, actor(ctx), params.key, body),
  }),
  route({
    method: 'DELETE', url: '/api/v1/attributes/:key', tag: TAG, summary: 'Delete an attribute and its values', roles: ADMIN_ONLY, status: 204, params: s.attributeParams,
    handler: async (ctx, { params }) => { await deleteAttribute(ctx.db, actor(ctx), params.key); return undefined; },
  }),

  route({
    method: 'GET', url: '/api/v1/tags', tag: TAG, summary: 'Tags in use, with counts', roles: READ_ANY,
    handler: async (ctx) => ({ items: await listTags(ctx.db, ctx.auth.workspaceId) }),
  }),
]);
