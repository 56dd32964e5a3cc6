import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

// Opening the embedded database, with an eye on the process's memory: PGlite lives inside this
// process, so everything it holds counts in Rapport's RSS.
//
// Measured on 2 vCPU / Node 20 / PGlite 0.5 (RSS after open, idle):
//  - a new data directory, created in this process: 454–471 MB. initdb runs as a second
//    WebAssembly instance whose compiled code and memory stay mapped after it ends (a forced GC
//    gave back ~40 MB of it; closing and reopening PGlite in the same process did not help);
//  - an existing data directory, opened and after inserting 300k rows: 278–314 MB with
//    PostgreSQL's default 128 MB shared_buffers, 163–202 MB with 32 MB (any large import or
//    segment build touches all of the buffers).
// So a new directory is made by a short-lived child process, and shared_buffers is 32 MB. Each
// buffer miss is a read through Node's fs, which the OS page cache answers.

/** PGlite's shared_buffers: small, since the OS page cache holds the files anyway. */
export const PGLITE_SHARED_BUFFERS = '32MB';

const START_PARAMS = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];

/** Runs initdb for `dir` in a child process, so its memory ends with that process. */
async function createDataDir(dir: string): Promise<void> {
  const moduleUrl = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(moduleUrl)});
    const pg = await PGlite.create({ dataDir: process.argv[1] });
    await pg.close();`;
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`Creating the PGlite data directory ${dir} failed (${signal ?? `exit code ${code}`}): ${stderr.trim().slice(-2000)}`));
    });
  });
}

export async function openPGlite(dir: string): Promise<PGlite> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'PG_VERSION'))) await createDataDir(dir);
  return PGlite.create({ dataDir: dir, extensions: { pg_trgm }, startParams: START_PARAMS });
}
