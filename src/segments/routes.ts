import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { READ_ANY } from '../auth/roles.ts';
import type { Role } from '../platform/tables.ts';
import { ValidationError } from '../platform/errors.ts';
import { decodeCursor, defineRoutes, encodeCursor, route, zodFields, type RouteContext } from '../platform/http.ts';
import { buildSegment, previewRule, tuneForBuild } from './build.ts';
import { dailyHistory, dailyQuery } from './history-daily.ts';
import { emailsFromCsv, readCsvBody } from './members-csv.ts';
import * as s from './schema.ts';
import * as svc from './service.ts';

// Segments: dynamic (rule-based) and static lists, preview, builds, members and their history.

const TAG = 'Segments';
/** Segments drive campaigns: marketers and admins define them, everyone may read them. */
const SEGMENT_WRITERS: readonly Role[] = ['admin', 'marketer'];
const BASE = '/api/v1/segments';
/** A preview or build of a pathological (but valid) rule must not hold a connection for minutes. */
const STATEMENT_TIMEOUT_MS = 30_000;

const page = (cursor: string | undefined) => (decodeCursor(cursor, 1)?.[0] as string | undefined) ?? null;
const next = (n: string | null) => (n === null ? null : encodeCursor([n]));

async function withTimeout(ctx: RouteContext) {
  await sql`select set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS)}, true)`.execute(ctx.db);
  await tuneForBuild(ctx.db);
}

/** POST/DELETE members: JSON {contactIds} or a text/csv body of e-mail addresses. */
function membersRoute(method: 'POST' | 'DELETE') {
  return route({
    method, url: `${BASE}/:id/members`, tag: TAG, roles: SEGMENT_WRITERS, raw: true, params: s.idParams,
    summary: method === 'POST'
      ? 'Add contacts to a static list: JSON {contactIds} or a text/csv body of e-mail addresses'
      : 'Remove contacts from a static list: JSON {contactIds} or a text/csv body of e-mail addresses',
    handler: async (ctx, { params }) => {
      const ws = ctx.auth.workspaceId;
      const body = ctx.req.body;
      let ids: string[];
      let report: Record<string, unknown> = {};
      if (body instanceof Readable) {
        const csv = emailsFromCsv(await readCsvBody(body));
        const found = await svc.contactsByEmail(ctx.db, ws, csv.emails.map((e) => e.email));
        ids = [...new Set(csv.emails.map((e) => found.get(e.email)).filter((x): x is string => !!x))];
        report = { notFound: csv.emails.filter((e) => !found.has(e.email)), invalid: csv.invalid };
      } else {
        const parsed = s.memberIdsBody.safeParse(body);
        if (!parsed.success) throw new ValidationError('Invalid body', zodFields(parsed.error));
        ids = parsed.data.contactIds;
      }
      const out = await ctx.engine.db.transaction().execute(async (trx) => {
        if (!(body instanceof Readable) && method === 'POST') await svc.requireContacts(trx, ws, ids);
        return method === 'POST' ? svc.addMembers(trx, ws, params.id, ids) : svc.removeMembers(trx, ws, params.id, ids);
      });
      await ctx.audit({ action: method === 'POST' ? 'segment.members.add' : 'segment.members.remove', entity: 'segment', entityId: params.id, after: { contacts: ids.length, ...out } });
      return ctx.reply.code(200).send({ ...out, ...report });
    },
  });
}

export const segmentsRoutes = defineRoutes([
  route({
    method: 'GET', url: BASE, tag: TAG, roles: READ_ANY, query: s.listQuery, summary: 'List segments with their health (size, last build, lag)',
    handler: async (ctx, { query }) => {
      const r = await svc.listSegments(ctx.db, ctx.auth.workspaceId, { after: page(query.cursor), limit: query.limit });
      return { items: r.items, nextCursor: next(r.next) };
    },
  }),
  route({
    method: 'POST', url: BASE, tag: TAG, roles: SEGMENT_WRITERS, body: s.createSegmentBody, status: 201,
    summary: 'Create a dynamic segment (with a rule; built in the background) or a static list',
    handler: async (ctx, { body }) => {
      const seg = await svc.createSegment(ctx.db, ctx.auth.workspaceId, body, ctx.auth.userId);
      await ctx.audit({ action: 'segment.create', entity: 'segment', entityId: seg.id, after: { name: seg.name, kind: seg.kind, rule: seg.rule } });
      return seg;
    },
  }),
  route({
    method: 'POST', url: `${BASE}/preview`, tag: TAG, roles: READ_ANY, body: s.previewBody,
    summary: 'Count and sample the contacts a rule selects, with the planner cost, without saving',
    handler: async (ctx, { body }) => {
      await withTimeout(ctx);
      return previewRule(ctx.db, ctx.auth.workspaceId, body.rule);
    },
  }),
  route({
    method: 'GET', url: `${BASE}/:id`, tag: TAG, roles: READ_ANY, params: s.idParams, summary: 'One segment with its rule and health',
    handler: async (ctx, { params }) => svc.getSegment(ctx.db, ctx.auth.workspaceId, params.id),
  }),
  route({
    method: 'PATCH', url: `${BASE}/:id`, tag: TAG, roles: SEGMENT_WRITERS, params: s.idParams, body: s.updateSegmentBody,
    summary: 'Rename, describe or change the rule of a segment (a new rule is rebuilt in the background)',
    handler: async (ctx, { params, body }) => {
      const { before, after } = await svc.updateSegment(ctx.db, ctx.auth.workspaceId, params.id, body, ctx.auth.userId);
      await ctx.audit({ action: 'segment.update', entity: 'segment', entityId: params.id, before: { name: before.name, rule: before.rule }, after: { name: after.name, rule: after.rule } });
      return after;
    },
  }),
  route({
    method: 'DELETE', url: `${BASE}/:id`, tag: TAG, roles: SEGMENT_WRITERS, params: s.idParams,
    summary: 'Delete a segment, its members and history (refused while another segment refers to it)',
    handler: async (ctx, { params }) => {
      const seg = await svc.deleteSegment(ctx.db, ctx.auth.workspaceId, params.id);
      await ctx.audit({ action: 'segment.delete', entity: 'segment', entityId: params.id, before: { name: seg.name, kind: seg.kind, rule: seg.rule, size: seg.health.size } });
      return { deleted: true };
    },
  }),
  route({
    method: 'POST', url: `${BASE}/:id/rebuild`, tag: TAG, roles: SEGMENT_WRITERS, params: s.idParams,
    summary: 'Rebuild a dynamic segment now; answers entries, exits, size and duration',
    handler: async (ctx, { params }) => {
      const seg = await svc.getSegment(ctx.db, ctx.auth.workspaceId, params.id);
      if (seg.kind !== 'dynamic') throw ValidationError.field('id', 'Only dynamic segments are built from a rule');
      await withTimeout(ctx);
      const r = await buildSegment(ctx.db, ctx.auth.workspaceId, params.id);
      await ctx.audit({ action: 'segment.rebuild', entity: 'segment', entityId: params.id, after: r });
      return r;
    },
  }),
  route({
    method: 'GET', url: `${BASE}/:id/members`, tag: TAG, roles: READ_ANY, params: s.idParams, query: s.listQuery, summary: 'Current members of a segment',
    handler: async (ctx, { params, query }) => {
      const r = await svc.listMembers(ctx.db, ctx.auth.workspaceId, params.id, { after: page(query.cursor), limit: query.limit });
      return { items: r.items, nextCursor: next(r.next) };
    },
  }),
  route({
    method: 'GET', url: `${BASE}/:id/history`, tag: TAG, roles: READ_ANY, params: s.idParams, query: s.listQuery, summary: 'Entries and exits of a segment, newest first',
    handler: async (ctx, { params, query }) => {
      const r = await svc.listHistory(ctx.db, ctx.auth.workspaceId, params.id, { before: page(query.cursor), limit: query.limit });
      return { items: r.items, nextCursor: next(r.next) };
    },
  }),
  route({
    method: 'GET', url: `${BASE}/:id/history/daily`, tag: TAG, roles: READ_ANY, params: s.idParams, query: dailyQuery,
    summary: 'Entries and exits per day over the last `days` days (workspace time zone), with the current size',
    handler: async (ctx, { params, query }) => dailyHistory(ctx.db, ctx.auth.workspaceId, params.id, query.days),
  }),
  membersRoute('POST'),
  membersRoute('DELETE'),
]);
