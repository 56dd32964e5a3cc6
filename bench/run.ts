import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineKind } from '../src/platform/db.ts';
import type { BenchResult } from './read-api.ts';

// `npm run bench`: runs every benchmark, prints one table and writes bench/results.json.
//   BENCH_ONLY=read-api,demo   run only the named benchmarks
//   BENCH_SCALE=0.01           shrink every data set (a quick smoke run)
//   BENCH_ENGINES=postgres     engines for the benchmarks that run on both (default pglite,postgres)
//   BENCH_DATABASE_URL=…       one PostgreSQL database for every benchmark (default: one each, bench/databases.ts)

const HERE = dirname(fileURLToPath(import.meta.url));
const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',').map((s) => s.trim()) as EngineKind[];

interface Bench {
  name: string;
  run(): Promise<BenchResult[]>;
}

/** A benchmark whose module may not exist yet is reported, not fatal. */
async function optional<T>(file: string, pick: (mod: T) => Promise<BenchResult[]>, name: string): Promise<BenchResult[]> {
  if (!existsSync(join(HERE, file))) return [{ name, value: Number.NaN, unit: '-', target: 'not available', engine: '-' }];
  return pick((await import(`./${file}`)) as T);
}

const BENCHES: Bench[] = [
  {
    name: 'import',
    run: () =>
      optional<{ benchImport(o: { rows: number; engines: EngineKind[] }): Promise<BenchResult[]> }>('import.ts', (m) => m.benchImport({ rows: Math.max(1000, Math.round(1_000_000 * scale)), engines }), 'import'),
  },
  {
    name: 'demo',
    run: () => optional<{ benchDemo(o: { customers: number; engines: EngineKind[] }): Promise<BenchResult[]> }>('demo.ts', (m) => m.benchDemo({ customers: Math.max(100, Math.round(100_000 * scale)), engines }), 'demo'),
  },
  {
    name: 'read-api',
    run: () => optional<{ benchReadApi(o: { scale: number; duration: number }): Promise<BenchResult[]> }>('read-api.ts', (m) => m.benchReadApi({ scale, duration: scale < 1 ? 5 : 15 }), 'read-api'),
  },
  { name: 'insights', run: () => optional<{ benchInsights(o: { customers: number; engines: EngineKind[] }): Promise<BenchResult[]> }>('insights.ts', (m) => m.benchInsights({ customers: Math.max(10_000, Math.round(1_000_000 * scale)), engines }), 'insights') },
  {
    name: 'web-ui',
    run: () => optional<{ benchWebUi(o: { customers: number }): Promise<BenchResult[]> }>('web-ui.ts', (m) => m.benchWebUi({ customers: Math.max(100, Math.round(100_000 * scale)) }), 'web-ui'),
  },
  {
    name: 'ingest',
    run: () =>
      optional<{ benchIngest(o: { customers: number; duration: number }): Promise<BenchResult[]> }>('ingest.ts', (m) => m.benchIngest({ customers: Math.max(2000, Math.round(1_000_000 * scale)), duration: scale < 1 ? 10 : 20 }), 'ingest'),
  },
  { name: 'segments', run: () => optional<{ benchSegments(o: { engines: EngineKind[]; customers: number }): Promise<BenchResult[]> }>('segments.ts', (m) => m.benchSegments({ engines, customers: Math.max(1000, Math.round(1_000_000 * scale)) }), 'segments') },
];

type Verdict = 'pass' | 'FAIL' | '-';

/** Targets are written "< 50", ">= 100000", "= 0"; anything else is informational. */
export function verdict(value: number, target: string): Verdict {
  const m = /^\s*(<=|>=|<|>|=)\s*(-?[\d.]+)\s*$/.exec(target);
  if (!m || !Number.isFinite(value)) return '-';
  const t = Number(m[2]);
  const ok = { '<': value < t, '<=': value <= t, '>': value > t, '>=': value >= t, '=': value === t }[m[1] as '<' | '<=' | '>' | '>=' | '='];
  return ok ? 'pass' : 'FAIL';
}

function machine() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const selected = BENCHES.filter((b) => only.length === 0 || only.includes(b.name));
if (selected.length === 0) throw new Error(`BENCH_ONLY matched nothing; benchmarks: ${BENCHES.map((b) => b.name).join(', ')}`);

const rows: Array<BenchResult & { benchmark: string; verdict: Verdict }> = [];
for (const b of selected) {
  console.log(`\n▶ ${b.name} (scale ${scale})`);
  const t0 = performance.now();
  try {
    for (const r of await b.run()) rows.push({ ...r, benchmark: b.name, verdict: verdict(r.value, r.target) });
  } catch (err) {
    // One broken benchmark should not hide the others' figures.
    console.error(err);
    rows.push({ benchmark: b.name, name: b.name, value: Number.NaN, unit: '-', target: `error: ${err instanceof Error ? err.message : String(err)}`, engine: '-', verdict: 'FAIL' });
  }
  console.log(`  ${b.name} took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

console.table(rows.map((r) => ({ name: r.name, engine: r.engine, value: Number.isNaN(r.value) ? 'n/a' : r.value, unit: r.unit, target: r.target, result: r.verdict })));
// A partial run (BENCH_ONLY, BENCH_ENGINES) keeps the other figures, each with its own date.
const measuredAt = new Date().toISOString();
const fresh = rows.map((r) => ({ ...r, measuredAt }));
let kept: unknown[] = [];
if (only.length > 0 && existsSync(join(HERE, 'results.json'))) {
  try {
    const prev = JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8')) as { results?: Array<{ benchmark?: string; engine?: string }> };
    // Also an engine this run left out (BENCH_ENGINES=postgres keeps the PGlite figures).
    const ranEngine = (e: string | undefined) => !e || e === '-' || (engines as string[]).includes(e);
    kept = (prev.results ?? []).filter((r) => !selected.some((b) => b.name === r.benchmark) || !ranEngine(r.engine));
  } catch {
    kept = [];
  }
}
const out = { date: measuredAt, scale, only: only.length ? only : 'all', machine: machine(), results: [...kept, ...fresh] };
writeFileSync(join(HERE, 'results.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`Wrote ${join(HERE, 'results.json')}`);
// Missed targets are in the table; only a benchmark that could not run fails the command.
if (rows.some((r) => r.target.startsWith('error:'))) process.exitCode = 1;
