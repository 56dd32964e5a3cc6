import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { loadConfig } from '../platform/config.ts';
import { Conflict, NotFound, PayloadTooLarge, ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { enqueueJob } from '../platform/jobs.ts';
import { detectEncoding, sniffCsvFormat, type CsvFormatChoice } from './csv-format.ts';
import { previewCsv } from './csv-reader.ts';
import { isContactKind, resolveMapping, suggestMapping } from './mapping.ts';
import type { ImportKind, ImportsTables } from './tables.ts';

export const IMPORT_JOB = 'import.run';
/** Uploads bypass the app-wide JSON body limit: a CSV of a million people is a few hundred MB. */
export const UPLOAD_LIMIT_BYTES = 1024 * 1024 * 1024;

export function uploadsDir(): string {
  const dir = resolve(process.env.UPLOADS_DIR ?? join(loadConfig().DATA_DIR, 'uploads'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A file that is not text: NUL bytes never occur in a CSV in UTF-8 or a single-byte encoding (a
 * zip, an image, an .xlsx do have them). UTF-16 text is half NULs, and announces itself with a BOM.
 */
function looksBinary(chunk: Buffer): boolean {
  if (detectEncoding(chunk.subarray(0, 4)).startsWith('utf-16')) return false;
  return chunk.subarray(0, 8192).includes(0);
}

/** Streams a request body to a new file under the uploads folder; never holds it in memory. */
export async function receiveUpload(body: Readable, limit = UPLOAD_LIMIT_BYTES): Promise<{ path: string; bytes: number }> {
  const path = join(uploadsDir(), `${randomUUID()}.csv`);
  let bytes = 0;
  let first = true;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (first) {
        first = false;
        if (looksBinary(chunk)) return done(new ValidationError('This is not a CSV file: it contains binary data', { file: ['Not a text CSV file'] }));
      }
      bytes += chunk.length;
      if (bytes > limit) return done(new PayloadTooLarge(`The file is larger than ${Math.round(limit / 1048576)} MiB`));
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, guard, createWriteStream(path));
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
  return { path, bytes };
}

type ImportRow = Selectable<ImportsTables['imports']>;

async function attributeKeys(db: Executor, workspaceId: string, kind: ImportKind) {
  if (!isContactKind(kind)) return [];
  return db
    .selectFrom('attribute_definitions')
    .select(['key', 'label'])
    .where('workspace_id', '=', workspaceId)
    .where('applies_to', 'in', [kind === 'people' ? 'person' : 'company', 'both'])
    .execute();
}

/** Header, first rows and suggested mapping of an uploaded file, read in its format. */
async function previewImport(db: Executor, workspaceId: string, kind: ImportKind, path: string, choice: CsvFormatChoice) {
  const format = await sniffCsvFormat(path, choice);
  const { header, rows } = await previewCsv(path, 10, format);
  if (header.length === 0 || header.every((h) => h === '')) {
    throw new ValidationError('The file is empty: expected a header row and data rows', { file: ['Empty file'] });
  }
  const suggestedMapping = suggestMapping(kind, header, await attributeKeys(db, workspaceId, kind));
  return { format, headers: header, preview: rows.map((r) => ({ line: r.line, values: r.fields })), suggestedMapping };
}

export async function createImport(
  db: Executor,
  input: { workspaceId: string; kind: ImportKind; path: string; bytes: number; fileName?: string | null; createdBy?: string | null; format?: CsvFormatChoice },
) {
  const read = await previewImport(db, input.workspaceId, input.kind, input.path, input.format ?? {});
  const row = await db
    .insertInto('imports')
    .values({
      workspace_id: input.workspaceId,
      kind: input.kind,
      file_path: input.path,
      file_name: input.fileName ?? null,
      file_bytes: input.bytes,
      headers: read.headers,
      csv_format: JSON.stringify(read.format),
      extra: '{}',
      created_by: input.createdBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, kind: input.kind, ...read };
}

/**
 * Reads an uploaded file again with another encoding or separator (the detection guessed wrong):
 * the file stays where it is, only how it is read changes. What the choice leaves out is detected.
 */
export async function setImportFormat(db: Executor, input: { workspaceId: string; id: string; format: CsvFormatChoice }) {
  const imp = await findImport(db, input.workspaceId, input.id);
  if (imp.state !== 'uploaded') throw new Conflict(`This import is already ${imp.state}`);
  const read = await previewImport(db, input.workspaceId, imp.kind, imp.file_path, input.format);
  await db
    .updateTable('imports')
    .set({ headers: read.headers, csv_format: JSON.stringify(read.format), updated_at: new Date() })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', imp.id)
    .execute();
  return { id: imp.id, kind: imp.kind, ...read };
}

async function findImport(db: Executor, workspaceId: string, id: string): Promise<ImportRow> {
  const row = await db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Import');
  return row;
}

export async function startImport(db: Executor, input: { workspaceId: string; id: string; mapping: Record<string, string>; createdBy?: string | null }) {
  const imp = await findImport(db, input.workspaceId, input.id);
  if (imp.state !== 'uploaded') throw new Conflict(`This import is already ${imp.state}`);
  const keys = (await attributeKeys(db, input.workspaceId, imp.kind)).map((a) => a.key);
  resolveMapping(imp.kind, imp.headers, input.mapping, new Set(keys));
  const jobId = await enqueueJob(db, {
    workspaceId: input.workspaceId,
    kind: IMPORT_JOB,
    payload: { importId: imp.id },
    createdBy: input.createdBy ?? null,
  });
  await db
    .updateTable('imports')
    .set({ state: 'queued', mapping: JSON.stringify(input.mapping), job_id: jobId, updated_at: new Date() })
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', imp.id)
    .execute();
  return importView(await findImport(db, input.workspaceId, imp.id));
}

export function importView(r: ImportRow) {
  const rowsDone = Number(r.rows_done);
  const bytesDone = Number(r.bytes_done);
  const bytesTotal = Number(r.file_bytes);
  const finished = r.state === 'succeeded';
  // Rows are not counted ahead of time: the total is estimated from the bytes read so far.
  const rowsTotal = finished ? rowsDone : bytesDone > 0 && rowsDone > 0 ? Math.max(rowsDone, Math.round((rowsDone * bytesTotal) / bytesDone)) : null;
  const started = r.started_at ? new Date(r.started_at).getTime() : null;
  const until = r.finished_at ? new Date(r.finished_at).getTime() : Date.now();
  const seconds = started ? Math.max(0.001, (until - started) / 1000) : null;
  const rate = seconds && rowsDone ? Math.round(rowsDone / seconds) : null;
  const etaSeconds = finished ? 0 : rate && rowsTotal !== null ? Math.max(0, Math.round((rowsTotal - rowsDone) / rate)) : null;
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    fileName: r.file_name,
    headers: r.headers,
    format: r.csv_format,
    mapping: r.mapping,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    progress: { rowsDone, rowsTotal, bytesDone, bytesTotal, rate, etaSeconds },
    counts: {
      created: Number(r.created_count),
      updated: Number(r.updated_count),
      unchanged: Number(r.unchanged_count),
      duplicates: Number(r.duplicate_count),
      rejected: Number(r.rejected_count),
      ...(r.extra ?? {}),
    },
  };
}

export async function getImport(db: Executor, workspaceId: string, id: string) {
  return importView(await findImport(db, workspaceId, id));
}

export async function listImports(db: Executor, workspaceId: string, opts: { limit: number; after?: [string, string] | null }) {
  let q = db.selectFrom('imports').selectAll().select(sql<string>`created_at::text`.as('at')).where('workspace_id', '=', workspaceId);
  if (opts.after) {
    const [at, id] = opts.after;
    q = q.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit + 1).execute();
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(importView),
    next: rows.length > opts.limit && last ? ([last.at, last.id] as [string, string]) : null,
  };
}

/** The rejection report, read in keyset pages by line so a huge report is never in memory. */
export async function* rejectionRows(db: Executor, workspaceId: string, importId: string): AsyncGenerator<{ line: number; reason: string; raw: string }> {
  await findImport(db, workspaceId, importId);
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('import_rejections')
      .select(['line', 'reason', 'raw'])
      .where('workspace_id', '=', workspaceId)
      .where('import_id', '=', importId)
      .where('line', '>', after)
      .orderBy('line')
      .limit(5000)
      .execute();
    for (const r of rows) yield r;
    if (rows.length < 5000) return;
    after = rows[rows.length - 1].line;
  }
}
