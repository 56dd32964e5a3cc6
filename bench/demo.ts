import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { generateDemo } from '../src/demo/service.ts';
import { openEngine, type EngineKind } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import type { BenchResult } from './read-api.ts';
import { benchDatabaseUrl, ensureDatabase } from './databases.ts';

// `rapport demo --customers 100000` end to end (generation, COPY, ANALYZE, order figures) into a
// fresh workspace. Target on PostgreSQL: well under a minute.

const DATABASE_URL = benchDatabaseUrl('bench_demo');

export async function benchDemo(opts: { customers: number; engines: EngineKind[] }): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const kind of opts.engines) {
    const dir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'rapport-bench-demo-')) : undefined;
    const engine = kind === 'postgres' ? await ensureDatabase(DATABASE_URL).then(() => openEngine({ databaseUrl: DATABASE_URL })) : await openEngine({ dataDir: dir });
    try {
      await migrate(engine);
      const tag = Math.random().toString(36).slice(2, 10);
      const ws = await createWorkspace(engine.db, { workspaceName: `bench demo ${tag}`, adminEmail: `bench-demo-${tag}@example.test`, adminPassword: `bench-${tag}-password` });
      const t0 = performance.now();
      const s = await generateDemo(engine, { workspaceId: ws.workspaceId, customers: opts.customers, seed: 1 });
      const seconds = (performance.now() - t0) / 1000;
      const rows = s.customers + s.identities + s.products + s.orders + s.orderLines + s.payments + s.deliveries + s.complaints + s.interactions;
      results.push(
        { name: `demo ${opts.customers} customers: seconds`, value: Math.round(seconds * 10) / 10, unit: 's', target: kind === 'postgres' ? '< 60' : '-', engine: kind },
        { name: `demo ${opts.customers} customers: rows written/s`, value: Math.round(rows / seconds), unit: 'rows/s', target: `${rows} rows`, engine: kind },
      );
    } finally {
      await engine.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

// `node --import tsx bench/demo.ts [customers] [engines]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const customers = Number(process.argv[2] ?? 100_000);
  const engines = (process.argv[3] ?? 'postgres').split(',') as EngineKind[];
  console.table(await benchDemo({ customers, engines }));
}
