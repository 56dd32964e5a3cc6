import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, it } from 'node:test';
import { ROOT, buildServer, serverBuildIsStale } from '../../bin/server-build.js';
import { listMigrations } from '../../src/platform/migrate.ts';

// The npm bin runs the server compiled into one module; these check that the compiled module is
// a working Rapport and that editing a source file makes the bin rebuild it.

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'rapport-build-'));
// Inside the project, as dist/server/ is: the compiled code finds migrations/ from where it lies.
const outDir = join(ROOT, 'dist', `server-test-${process.pid}`);

after(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

it('calls the build stale when it is missing or a source file is newer', () => {
  const sources = join(scratch, 'src');
  mkdirSync(join(sources, 'deep'), { recursive: true });
  const source = join(sources, 'deep', 'a.ts');
  const bundle = join(scratch, 'bundle.mjs');
  writeFileSync(source, 'export {};');
  assert.equal(serverBuildIsStale(bundle, sources), true, 'no bundle yet');
  writeFileSync(bundle, '');
  const t = Date.now() / 1000;
  utimesSync(source, t - 60, t - 60);
  utimesSync(bundle, t - 30, t - 30);
  assert.equal(serverBuildIsStale(bundle, sources), false, 'built after the last edit');
  utimesSync(source, t, t);
  assert.equal(serverBuildIsStale(bundle, sources), true, 'a source edited after the build');
});

it('compiles a server that migrates a new embedded database and answers its commands', async () => {
  const bundle = join(outDir, 'rapport.mjs');
  await buildServer(bundle);
  const dataDir = join(scratch, 'data');
  const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir };
  const migrated = await run(process.execPath, [bundle, 'migrate'], { env });
  assert.equal(migrated.stdout.trim(), `Applied: ${listMigrations().map((m) => m.name).join(', ')}`);
  const again = await run(process.execPath, [bundle, 'migrate'], { env });
  assert.match(again.stdout, /Database is up to date/);
  const help = await run(process.execPath, [bundle, '--help'], { env });
  assert.match(help.stdout, /import <people\|companies\|orders\|payments> <file\.csv>/);
});
