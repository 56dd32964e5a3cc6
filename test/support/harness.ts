import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createWorkspace, type BootstrappedWorkspace } from '../../src/auth/bootstrap.ts';
import { openEngine, type Engine, type EngineKind } from '../../src/platform/db.ts';
import { listMigrations, migrate } from '../../src/platform/migrate.ts';

/**
 * Every database test runs on each engine named in ENGINES (default: pglite only; CI sets
 * ENGINES=pglite,postgres). Tests isolate themselves with a fresh workspace, never by truncating.
 */
export function engineKinds(): EngineKind[] {
  const raw = process.env.ENGINES ?? 'pglite';
  return raw.split(',').map((s) => s.trim()).filter(Boolean) as EngineKind[];
}

export const POSTGRES_TEST_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestEnv {
  kind: EngineKind;
  engine: Engine;
  app: FastifyInstance;
  /** A fresh workspace with an admin user and an admin API key. */
  workspace(): Promise<TestWorkspace>;
}

export interface TestWorkspace extends BootstrappedWorkspace {
  /** Authorization header for the workspace's admin API key. */
  headers: Record<string, string>;
}

export async function openTestEngine(kind: EngineKind): Promise<{ engine: Engine; cleanup(): Promise<void> }> {
  if (kind === 'postgres') {
    const engine = await openEngine({ databaseUrl: POSTGRES_TEST_URL, poolSize: 5 });
    await migrate(engine);
    return { engine, cleanup: () => engine.close() };
  }
  // PGlite always gets a data directory: in memory it degrades badly past ~100k rows.
  // Copying a migrated template takes ~0.2 s where initdb + migrations take ~7 s.
  const dir = mkdtempSync(join(tmpdir(), 'rapport-test-'));
  cpSync(await pgliteTemplate(), dir, { recursive: true });
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

/** A migrated PGlite data directory, built once per migration set and shared by all test processes. */
async function pgliteTemplate(): Promise<string> {
  const version = JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')).version;
  const hash = createHash('sha256').update(version);
  for (const m of listMigrations()) hash.update(m.name).update(m.sql);
  const final = join(tmpdir(), `rapport-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(final)) return final;
  const building = mkdtempSync(join(tmpdir(), 'rapport-pglite-building-'));
  const engine = await openEngine({ dataDir: building });
  await migrate(engine);
  await engine.close();
  try {
    renameSync(building, final);
  } catch {
    // Another test process finished first: use its template.
    rmSync(building, { recursive: true, force: true });
  }
  return final;
}

export async function newWorkspace(engine: Engine): Promise<TestWorkspace> {
  const tag = randomUUID().slice(0, 8);
  const ws = await createWorkspace(engine.db, {
    workspaceName: `Test ${tag}`,
    adminEmail: `admin-${tag}@example.test`,
    adminPassword: `pw-${tag}-${randomUUID()}`,
  });
  return { ...ws, headers: { authorization: `Bearer ${ws.apiKey}` } };
}

/** Declares one describe block per engine; `fn` gets a getter because setup runs in before(). */
export function forEachEngine(title: string, fn: (env: () => TestEnv) => void): void {
  for (const kind of engineKinds()) {
    describe(`${title} [${kind}]`, () => {
      let env: TestEnv | undefined;
      let cleanup: (() => Promise<void>) | undefined;
      before(async () => {
        const opened = await openTestEngine(kind);
        cleanup = opened.cleanup;
        const app = await buildApp({ engine: opened.engine, logger: false });
        await app.ready();
        env = { kind, engine: opened.engine, app, workspace: () => newWorkspace(opened.engine) };
      });
      after(async () => {
        await env?.app.close();
        await cleanup?.();
      });
      fn(() => {
        if (!env) throw new Error('test environment not ready');
        return env;
      });
    });
  }
}
