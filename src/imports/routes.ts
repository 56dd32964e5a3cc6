import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { READ_ANY, WRITE_CUSTOMERS } from '../auth/roles.ts';
import { ValidationError } from '../platform/errors.ts';
import { decodeCursor, defineRoutes, encodeCursor, route, type RouteDef } from '../platform/http.ts';
import { csvCell, exportCsv } from './export.ts';
import * as s from './schema.ts';
import { createImport, getImport, listImports, receiveUpload, rejectionRows, setImportFormat, startImport } from './service.ts';
import type { ImportKind } from './tables.ts';

// CSV import (upload → preview and suggested mapping → start a background job → poll progress
// → rejection report) and streamed CSV exports.

const TAG = 'Import and export';

/**
 * text/csv request bodies reach the upload handler as the raw stream: it goes to disk without
 * being buffered, so the app-wide JSON body limit does not apply (the handler enforces its own).
 */
export function registerCsvBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload));
}

function csvDownload(reply: import('fastify').FastifyReply, name: string, body: AsyncIterable<string>) {
  reply.header('content-type', 'text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${name}"`);
  reply.header('cache-control', 'no-store');
  return reply.send(Readable.from(body));
}

const exportRoutes: RouteDef[] = (['people', 'companies', 'orders', 'payments'] as ImportKind[]).map((kind) =>
  route({
    method: 'GET', url: `/api/v1/exports/${kind}.csv`, tag: TAG, summary: `Export all ${kind} as CSV (streamed; ?delimiter=semicolon for spreadsheets whose decimal mark is a comma)`, roles: READ_ANY, raw: true, query: s.exportQuery,
    handler: async (ctx, { query }) => csvDownload(ctx.reply, `${kind}.csv`, exportCsv(ctx.db, ctx.auth.workspaceId, kind, query.delimiter)),
  }),
);

export const importsRoutes = defineRoutes([
  route({
    method: 'POST', url: '/api/v1/imports', tag: TAG, roles: WRITE_CUSTOMERS, raw: true, query: s.uploadQuery, status: 201,
    summary: 'Upload a CSV file (Content-Type: text/csv) to import; answers the detected encoding and separator, headers, a preview and a suggested mapping',
    handler: async (ctx, { query }) => {
      const body = ctx.req.body;
      if (!(body instanceof Readable)) {
        throw new ValidationError('Send the CSV file as the request body with Content-Type: text/csv', { body: ['Expected text/csv'] });
      }
      const file = await receiveUpload(body);
      const out = await createImport(ctx.db, {
        workspaceId: ctx.auth.workspaceId,
        kind: query.kind,
        path: file.path,
        bytes: file.bytes,
        fileName: query.name ?? null,
        createdBy: ctx.auth.userId,
        format: { encoding: query.encoding, delimiter: query.delimiter },
      });
      await ctx.audit({ action: 'import.upload', entity: 'import', entityId: out.id, after: { kind: query.kind, bytes: file.bytes, headers: out.headers, format: out.format } });
      return ctx.reply.code(201).send(out);
    },
  }),
  route({
    method: 'POST', url: '/api/v1/imports/:id/format', tag: TAG, roles: WRITE_CUSTOMERS, params: s.importParams, body: s.formatBody,
    summary: 'Read an uploaded file again with another encoding or separator (what is left out is detected); answers headers, a preview and a suggested mapping',
    handler: async (ctx, { params, body }) => {
      const out = await setImportFormat(ctx.db, { workspaceId: ctx.auth.workspaceId, id: params.id, format: body });
      await ctx.audit({ action: 'import.format', entity: 'import', entityId: params.id, after: { format: out.format, headers: out.headers } });
      return out;
    },
  }),
  route({
    method: 'POST', url: '/api/v1/imports/:id/start', tag: TAG, roles: WRITE_CUSTOMERS, params: s.importParams, body: s.startBody, status: 202,
    summary: 'Start an uploaded import with a column mapping {csvColumn: field}; runs as a background job',
    handler: async (ctx, { params, body }) => {
      const out = await startImport(ctx.db, { workspaceId: ctx.auth.workspaceId, id: params.id, mapping: body.mapping, createdBy: ctx.auth.userId });
      await ctx.audit({ action: 'import.start', entity: 'import', entityId: params.id, after: { mapping: body.mapping } });
      return out;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/imports', tag: TAG, roles: READ_ANY, query: s.listQuery, summary: 'List imports, newest first',
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, 2) as [string, string] | null;
      const page = await listImports(ctx.db, ctx.auth.workspaceId, { limit: query.limit, after });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  }),
  route({
    method: 'GET', url: '/api/v1/imports/:id', tag: TAG, roles: READ_ANY, params: s.importParams,
    summary: 'State, progress (rows done, estimated total, rate, ETA) and counts of an import',
    handler: (ctx, { params }) => getImport(ctx.db, ctx.auth.workspaceId, params.id),
  }),
  route({
    method: 'GET', url: '/api/v1/imports/:id/rejections.csv', tag: TAG, roles: READ_ANY, params: s.importParams, raw: true,
    summary: 'The rows that were not imported: line, reason, raw row',
    handler: async (ctx, { params }) => {
      await getImport(ctx.db, ctx.auth.workspaceId, params.id); // 404 before any byte is sent
      const db = ctx.db;
      const ws = ctx.auth.workspaceId;
      async function* body() {
        yield '\uFEFFline,reason,raw\r\n';
        for await (const r of rejectionRows(db, ws, params.id)) yield `${r.line},${csvCell(r.reason)},${csvCell(r.raw)}\r\n`;
      }
      return csvDownload(ctx.reply, `import-${params.id}-rejected.csv`, body());
    },
  }),
  ...exportRoutes,
]);
