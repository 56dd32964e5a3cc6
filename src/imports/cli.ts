import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { resolveWorkspace } from '../auth/cli.ts';
import type { CliCommand } from '../cli.ts';
import { loadConfig } from '../platform/config.ts';
import { openEngine, type Engine } from '../platform/db.ts';
import { ValidationError } from '../platform/errors.ts';
import { migrate } from '../platform/migrate.ts';
import { profile } from './batch-db.ts';
import { csvFormatChoice, sniffCsvFormat } from './csv-format.ts';
import { previewCsv } from './csv-reader.ts';
import { csvCell, exportCsv } from './export.ts';
import { isContactKind, parseMapArg, resolveMapping, suggestMapping } from './mapping.ts';
import { runImport, type ImportCounts } from './run-import.ts';
import { importKind } from './schema.ts';
import { rejectionRows } from './service.ts';
import type { ImportKind } from './tables.ts';

// `rapport import` runs an import in this process (no server needed) with a progress bar;
// `rapport export` streams a CSV to stdout or a file.

function explain(err: unknown): Error {
  if (err instanceof ValidationError && err.fields) {
    return new Error(`${err.message}\n${Object.entries(err.fields).map(([k, v]) => `  ${k}: ${v.join(', ')}`).join('\n')}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

function kindOf(raw: string | undefined, usage: string): ImportKind {
  const k = importKind.safeParse(raw);
  if (!k.success) throw new Error(usage);
  return k.data;
}

const IMPORT_USAGE =
  'Usage: rapport import <people|companies|orders|payments> <file.csv> [--map "CSV Column=field,..."] [--workspace ID]\n' +
  '         [--encoding utf-8|utf-16le|utf-16be|windows-1252|windows-1251] [--delimiter comma|semicolon|tab|pipe]  (detected when left out)';
const EXPORT_USAGE = 'Usage: rapport export <people|companies|orders|payments> [--out file.csv] [--workspace ID] [--delimiter comma|semicolon|tab|pipe]';

export interface ImportCommandResult {
  importId: string;
  counts: ImportCounts;
  rejectedPath: string | null;
}

export async function runImportCommand(
  engine: Engine,
  args: string[],
  io: { out: Writable; progress?: Writable; batchSize?: number },
): Promise<ImportCommandResult> {
  const { values, positionals } = parseArgs({
    args,
    options: { map: { type: 'string' }, workspace: { type: 'string' }, encoding: { type: 'string' }, delimiter: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const kind = kindOf(positionals[0], IMPORT_USAGE);
  if (!positionals[1] || positionals.length > 2) throw new Error(IMPORT_USAGE);
  const file = resolve(positionals[1]);
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    throw new Error(`Cannot read ${file}`);
  }
  const choice = csvFormatChoice.safeParse({ encoding: values.encoding, delimiter: values.delimiter });
  if (!choice.success) throw new Error(`${choice.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${IMPORT_USAGE}`);
  const workspaceId = await resolveWorkspace(engine.db, values.workspace);
  const format = await sniffCsvFormat(file, choice.data);
  const { header } = await previewCsv(file, 1, format);
  if (header.length === 0) throw new Error(`${file} is empty: expected a header row and data rows`);

  const attrs = isContactKind(kind)
    ? await engine.db
        .selectFrom('attribute_definitions')
        .select(['key', 'label'])
        .where('workspace_id', '=', workspaceId)
        .where('applies_to', 'in', [kind === 'people' ? 'person' : 'company', 'both'])
        .execute()
    : [];
  const mapping = values.map ? parseMapArg(values.map) : suggestMapping(kind, header, attrs);
  try {
    resolveMapping(kind, header, mapping, new Set(attrs.map((a) => a.key)));
  } catch (err) {
    throw explain(err);
  }
  io.out.write(`Importing ${kind} from ${file}\nRead as ${format.encoding}, fields separated by ${format.delimiter}\nMapping: ${Object.entries(mapping).map(([c, f]) => `${c} → ${f}`).join(', ')}\n`);

  const imp = await engine.db
    .insertInto('imports')
    .values({ workspace_id: workspaceId, kind, file_path: file, file_name: file, file_bytes: bytes, headers: header, csv_format: JSON.stringify(format), mapping: JSON.stringify(mapping), extra: '{}', state: 'queued' })
    .returning('id')
    .executeTakeFirstOrThrow();

  const progressOut = io.progress ?? process.stderr;
  const bar = new cliProgress.SingleBar(
    {
      stream: progressOut,
      format: '{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
      etaBuffer: 20,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(1, 0, { rate: 0 });
  let counts: ImportCounts;
  try {
    counts = await runImport(engine, imp.id, {
      batchSize: io.batchSize,
      onProgress: (p) => {
        const estimate = p.bytesDone > 0 ? Math.max(p.rowsDone, Math.round((p.rowsDone * p.bytesTotal) / p.bytesDone)) : p.rowsDone;
        bar.setTotal(estimate);
        bar.update(p.rowsDone, { rate: Math.round(p.rowsDone / Math.max(0.001, (Date.now() - started) / 1000)) });
      },
    });
    bar.setTotal(counts.rowsDone);
    bar.update(counts.rowsDone);
  } finally {
    bar.stop();
  }

  let rejectedPath: string | null = null;
  if (counts.rejected > 0) {
    rejectedPath = `${file}.rejected.csv`;
    const out = createWriteStream(rejectedPath);
    out.write('\uFEFFline,reason,raw\r\n');
    for await (const r of rejectionRows(engine.db, workspaceId, imp.id)) {
      if (!out.write(`${r.line},${csvCell(r.reason)},${csvCell(r.raw)}\r\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  const seconds = (Date.now() - started) / 1000;
  const extra = Object.entries(counts.extra).filter(([, v]) => v > 0).map(([k, v]) => `, ${k} ${v}`).join('');
  io.out.write(
    `Done in ${seconds.toFixed(1)} s: ${counts.rowsDone} rows, created ${counts.created}, updated ${counts.updated}, ` +
      `unchanged ${counts.unchanged}, merged duplicates ${counts.duplicates}, rejected ${counts.rejected}${extra}.\n` +
      (rejectedPath ? `Rejected rows (line, reason, raw row): ${rejectedPath}\n` : ''),
  );
  if (process.env.IMPORT_PROFILE) {
    const m = process.memoryUsage();
    const wasm = (engine.pglite as any)?.mod?.HEAPU8?.buffer?.byteLength ?? 0;
    process.stderr.write(`MEM rss ${m.rss >> 20} heapUsed ${m.heapUsed >> 20} heapTotal ${m.heapTotal >> 20} external ${m.external >> 20} ab ${m.arrayBuffers >> 20} wasm ${wasm >> 20}\n`);
    for (const [k, ms] of [...profile.entries()].sort((a, b) => b[1] - a[1])) process.stderr.write(`${Math.round(ms)} ms  ${k}\n`);
  }
  return { importId: imp.id, counts, rejectedPath };
}

export async function runExportCommand(engine: Engine, args: string[], stdout: Writable): Promise<{ path: string | null }> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' }, workspace: { type: 'string' }, delimiter: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const kind = kindOf(positionals[0], EXPORT_USAGE);
  if (positionals.length > 1) throw new Error(EXPORT_USAGE);
  const choice = csvFormatChoice.safeParse({ delimiter: values.delimiter });
  if (!choice.success) throw new Error(`--delimiter: ${choice.error.issues[0]?.message}\n${EXPORT_USAGE}`);
  const workspaceId = await resolveWorkspace(engine.db, values.workspace);
  const path = values.out ? resolve(values.out) : null;
  const out = path ? createWriteStream(path) : stdout;
  for await (const chunk of exportCsv(engine.db, workspaceId, kind, choice.data.delimiter)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  if (path) {
    out.end();
    await once(out, 'finish');
  }
  return { path };
}

async function withEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const engine = await openEngine({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(engine);
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

export const importsCommands: Record<string, CliCommand> = {
  import: {
    bulk: true,
    usage: 'import <people|companies|orders|payments> <file.csv> [--map "Col=field,..."] [--workspace ID]   import a CSV file',
    run: (args) => withEngine(async (engine) => void (await runImportCommand(engine, args, { out: process.stdout }))),
  },
  export: {
    bulk: true,
    usage: 'export <people|companies|orders|payments> [--out file.csv] [--workspace ID]   export as CSV (stdout by default)',
    run: (args) =>
      withEngine(async (engine) => {
        // `rapport export people | head`: a closed pipe ends the export quietly.
        process.stdout.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'EPIPE') process.exit(0);
        });
        const { path } = await runExportCommand(engine, args, process.stdout);
        if (path) process.stderr.write(`Wrote ${path}\n`);
      }),
  },
};
