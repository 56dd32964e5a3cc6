import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { openEngine, type Engine, type EngineKind } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { runImport } from '../src/imports/run-import.ts';
import { profile } from '../src/imports/batch-db.ts';
import { BENCH_SERVER, ensureDatabase } from './databases.ts';

// End-to-end CSV import benchmark: a generated people file (parse, validate with the API's
// normalisers, dedupe, COPY + set-based upsert) into a fresh workspace.
// Targets: ≥ 100,000 rows/s on PostgreSQL, ≥ 50,000 rows/s on PGlite, peak RSS < 400 MB.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  engine: string;
}

const DATA_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), 'data');

const FIRST = ['Anna', 'Mikko', 'Laura', 'Juha', 'Emilia', 'Ville', 'Sofia', 'Antti', 'Aino', 'Jussi', 'Maria', 'Pekka', 'Иван', 'Ольга', 'سارا', 'علی', 'Ingrid', 'Lars'];
const LAST = ['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Петров', 'Смирнова', 'محمدی', 'Hansen', 'Johansson', "O'Brien", 'Smith, Jr.'];
const TAGS = ['vip', 'newsletter', 'b2b', 'loyal', 'lead', 'event-2024', 'churn-risk'];
const CITIES = ['Helsinki', 'Espoo', 'Tampere', 'Turku', 'Oulu', 'Vantaa', 'Jyväskylä'];
const SOURCES = ['web', 'shop', 'event', 'referral'];

/** A deterministic pseudo-random stream so every run imports the same file. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: T[]) => xs[Math.floor(r() * xs.length)];
const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * People as a CRM export looks: everyone has an e-mail, ~70% a phone in mixed national and
 * international formats, some birthdays, tags, a city, a customer number, ~1% repeated people
 * (same e-mail, other details) and ~0.2% bad rows.
 */
export async function generatePeopleCsv(rows: number, path: string): Promise<void> {
  mkdirSync(resolve(path, '..'), { recursive: true });
  const out = createWriteStream(path);
  const r = rng(42);
  let buf = 'First name,Last name,Email,Phone,Birthday,Language,Tags,City,Source,Customer number\r\n';
  for (let i = 0; i < rows; i++) {
    const n = r() < 0.01 && i > 10 ? Math.floor(r() * i) : i; // a repeated person
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const bad = r() < 0.002;
    const email = bad ? `broken.${n}@@example` : `${first === 'Иван' || first === 'Ольга' || first === 'سارا' || first === 'علی' ? 'user' : first.toLowerCase()}.${n}@Example.com`;
    const digits = String(1_000_000 + (n % 8_999_999)).padStart(7, '0');
    const phoneR = r();
    const phone = phoneR < 0.35 ? `+358 40 ${digits.slice(0, 3)} ${digits.slice(3)}` : phoneR < 0.7 ? `050 ${digits}` : '';
    const birthday = r() < 0.5 ? `19${50 + Math.floor(r() * 50)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` : '';
    const tags = r() < 0.6 ? [pick(r, TAGS), pick(r, TAGS)].join(';') : '';
    const lang = pick(r, ['fi', 'sv', 'en', 'fi-FI']);
    buf += `${q(first)},${q(last)},${email},${phone},${birthday},${lang},${tags},${pick(r, CITIES)},${pick(r, SOURCES)},C${n}\r\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function freshBenchDatabase(): Promise<string> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  // A fresh database of its own on every run: a million bench rows neither slow the test
  // database down nor pile up run after run (bigger indexes would make each run slower).
  const url = `${BENCH_SERVER}/rapport_bench`;
  await ensureDatabase(url, { fresh: true });
  return url;
}

async function openBenchEngine(kind: EngineKind): Promise<{ engine: Engine; cleanup(): Promise<void> }> {
  if (kind === 'postgres') {
    const engine = await openEngine({ databaseUrl: await freshBenchDatabase(), poolSize: 4 });
    await migrate(engine);
    return { engine, cleanup: () => engine.close() };
  }
  const dir = join(DATA_DIR, `pglite-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const engine = await openEngine({ dataDir: dir });
  await migrate(engine);
  return {
    engine,
    async cleanup() {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const MAPPING = {
  'First name': 'firstName',
  'Last name': 'lastName',
  Email: 'email',
  Phone: 'phone',
  Birthday: 'birthday',
  Language: 'locale',
  Tags: 'tags',
  City: 'attr.city',
  Source: 'source',
  'Customer number': 'externalId',
};

/**
 * Each engine's import runs in a process of its own, as `rapport import` would: RSS is per
 * process, and an embedded engine opened earlier stays mapped (it had put the PostgreSQL run's
 * "RSS before the import" at 393 MB, of which PostgreSQL itself holds nothing in this process).
 */
export async function benchImport(opts: { rows: number; engines: ('pglite' | 'postgres')[] }): Promise<BenchResult[]> {
  const file = join(DATA_DIR, `people-${opts.rows}.csv`);
  if (!existsSync(file)) await generatePeopleCsv(opts.rows, file);
  const results: BenchResult[] = [];
  for (const kind of opts.engines) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(opts.rows), kind], {
      env: { ...process.env, BENCH_IMPORT_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
    if (code !== 0 || !line) throw new Error(`import bench on ${kind} failed (exit ${code}): ${out.slice(-1000)}`);
    results.push(...(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult[]));
  }
  return results;
}

const RESULT_PREFIX = 'IMPORT-BENCH-RESULTS ';

async function benchImportHere(opts: { rows: number; engines: ('pglite' | 'postgres')[] }): Promise<BenchResult[]> {
  const file = join(DATA_DIR, `people-${opts.rows}.csv`);
  const bytes = statSync(file).size;
  const results: BenchResult[] = [];
  for (const kind of opts.engines) {
    const { engine, cleanup } = await openBenchEngine(kind);
    try {
      const ws = await createWorkspace(engine.db, {
        workspaceName: `bench ${new Date().toISOString()}`,
        adminEmail: `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`,
        adminPassword: 'bench-password-123',
      });
      await engine.db.insertInto('attribute_definitions').values({ workspace_id: ws.workspaceId, key: 'city', label: 'City', type: 'text', choices: null, applies_to: 'person' }).execute();
      const imp = await engine.db
        .insertInto('imports')
        .values({ workspace_id: ws.workspaceId, kind: 'people', file_path: file, file_bytes: bytes, mapping: JSON.stringify(MAPPING), extra: '{}', state: 'queued' })
        .returning('id')
        .executeTakeFirstOrThrow();

      // RSS with the engine open and idle: on PGlite the database itself lives in this process.
      const baseRss = process.memoryUsage().rss;
      let peakRss = baseRss;
      let peakMem = process.memoryUsage();
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > peakRss) [peakRss, peakMem] = [m.rss, m];
      }, 100);
      const t0 = performance.now();
      const overlap = { started: 0, waited: 0 };
      const counts = await runImport(engine, imp.id, { onOverlap: (e) => overlap[e]++, batchSize: process.env.IMPORT_BATCH ? Number(process.env.IMPORT_BATCH) : undefined });
      const seconds = (performance.now() - t0) / 1000;
      if (process.env.IMPORT_PROFILE) {
        const mb = (n: number) => Math.round(n / 1048576);
        console.error(`batches started beside the previous one: ${overlap.started}, of which waited for its commit: ${overlap.waited}`);
        console.error(`at peak RSS ${mb(peakMem.rss)} MB: heap used ${mb(peakMem.heapUsed)} / total ${mb(peakMem.heapTotal)}, external ${mb(peakMem.external)}, array buffers ${mb(peakMem.arrayBuffers)}`);
        for (const [k, ms] of [...profile.entries()].sort((a, b) => b[1] - a[1])) console.error(`${Math.round(ms)} ms  ${k}`);
        profile.clear();
      }
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);

      const stored = await engine.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow();
      const target = kind === 'postgres' ? '>= 100000' : '>= 50000';
      results.push(
        { name: `import ${opts.rows} people: rows/s`, value: Math.round(opts.rows / seconds), unit: 'rows/s', target, engine: kind },
        { name: `import ${opts.rows} people: seconds`, value: Math.round(seconds * 10) / 10, unit: 's', target: '-', engine: kind },
        { name: `import ${opts.rows} people: peak RSS`, value: Math.round(peakRss / 1048576), unit: 'MB', target: '< 400', engine: kind },
        { name: `import ${opts.rows} people: RSS before the import`, value: Math.round(baseRss / 1048576), unit: 'MB', target: '-', engine: kind },
        { name: `import ${opts.rows} people: contacts stored`, value: Number(stored.n), unit: 'contacts', target: `created ${counts.created}, duplicates ${counts.duplicates}, rejected ${counts.rejected}`, engine: kind },
      );
    } finally {
      await cleanup();
    }
  }
  return results;
}

// `node --import tsx bench/import.ts [rows] [engines]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const engines = (process.argv[3] ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[];
  if (process.env.BENCH_IMPORT_CHILD) {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(await benchImportHere({ rows, engines }))}\n`);
  } else {
    console.table(await benchImport({ rows, engines }));
  }
}
