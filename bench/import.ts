import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { openEngine, type EngineKind } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { ROOT, buildServer, serverBuildIsStale } from '../bin/server-build.js';
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

/** Makes the database the import goes into, with a workspace and its `city` attribute. */
async function prepareDatabase(kind: EngineKind): Promise<{ env: Record<string, string>; workspaceId: string; cleanup(): void }> {
  const dir = join(DATA_DIR, `pglite-${process.pid}`);
  const env: Record<string, string> = kind === 'postgres' ? { DATABASE_URL: await freshBenchDatabase() } : { DATABASE_URL: '', DATA_DIR: dir };
  if (kind === 'pglite') rmSync(dir, { recursive: true, force: true });
  const engine = await openEngine(kind === 'postgres' ? { databaseUrl: env.DATABASE_URL } : { dataDir: dir });
  try {
    await migrate(engine);
    const ws = await createWorkspace(engine.db, {
      workspaceName: `bench ${new Date().toISOString()}`,
      adminEmail: `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`,
      adminPassword: 'bench-password-123',
    });
    await engine.db.insertInto('attribute_definitions').values({ workspace_id: ws.workspaceId, key: 'city', label: 'City', type: 'text', choices: null, applies_to: 'person' }).execute();
    return { env, workspaceId: ws.workspaceId, cleanup: () => kind === 'pglite' && rmSync(dir, { recursive: true, force: true }) };
  } finally {
    // The embedded database allows one process at a time: the import's.
    await engine.close();
  }
}

const MAP_ARG = 'First name=firstName,Last name=lastName,Email=email,Phone=phone,Birthday=birthday,Language=locale,Tags=tags,City=attr.city,Source=source,Customer number=externalId';

/** Peak resident set of a live process so far (Linux keeps it as VmHWM). */
function peakRssKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Each engine's import runs as the user runs it: `rapport import people <file> --map …`, the
 * npm bin in a process of its own, timed from spawn to exit. Its peak RSS is read from the
 * kernel while it runs; on PGlite the database itself lives in that process.
 */
export async function benchImport(opts: { rows: number; engines: ('pglite' | 'postgres')[] }): Promise<BenchResult[]> {
  const file = join(DATA_DIR, `people-${opts.rows}.csv`);
  if (!existsSync(file)) await generatePeopleCsv(opts.rows, file);
  if (serverBuildIsStale()) await buildServer();
  const results: BenchResult[] = [];
  for (const kind of opts.engines) {
    const db = await prepareDatabase(kind);
    try {
      const t0 = performance.now();
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'rapport.js'), 'import', 'people', file, '--map', MAP_ARG, '--workspace', db.workspaceId], {
        env: { ...process.env, ...db.env },
        stdio: ['ignore', 'pipe', process.env.IMPORT_PROFILE ? 'inherit' : 'ignore'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      let peakKb = 0;
      const sampler = setInterval(() => (peakKb = Math.max(peakKb, peakRssKb(child.pid!) ?? 0)), 100);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearInterval(sampler);
      const seconds = (performance.now() - t0) / 1000;
      const done = /Done in [\d.]+ s: (\d+) rows, created (\d+), updated \d+, unchanged \d+, merged duplicates (\d+), rejected (\d+)/.exec(out);
      if (code !== 0 || !done) throw new Error(`rapport import on ${kind} failed (exit ${code}): ${out.slice(-1000)}`);
      const [rows, created, duplicates, rejected] = done.slice(1).map(Number);
      const target = kind === 'postgres' ? '>= 100000' : '>= 50000';
      results.push(
        { name: `import ${opts.rows} people: rows/s`, value: Math.round(rows / seconds), unit: 'rows/s', target, engine: kind },
        { name: `import ${opts.rows} people: seconds`, value: Math.round(seconds * 10) / 10, unit: 's', target: '-', engine: kind },
        { name: `import ${opts.rows} people: peak RSS`, value: Math.round(peakKb / 1024), unit: 'MB', target: '< 400', engine: kind },
        { name: `import ${opts.rows} people: contacts created`, value: created, unit: 'contacts', target: `duplicates ${duplicates}, rejected ${rejected}`, engine: kind },
      );
    } finally {
      db.cleanup();
    }
  }
  return results;
}

// `node --import tsx bench/import.ts [rows] [engines]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const engines = (process.argv[3] ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[];
  console.table(await benchImport({ rows, engines }));
}
