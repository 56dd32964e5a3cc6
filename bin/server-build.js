// Rapport's server runs as one compiled ES module, dist/server/rapport.mjs, rather than through
// tsx: the TypeScript compiler and per-file transforms held ~80 MB more memory in every process
// (175–187 MB RSS with the app's modules loaded against 98–102 MB compiled) and slowed start-up.
// The bundle is rebuilt whenever a file under src/ is newer than it (esbuild takes well under a
// second), so editing the sources and running `rapport` never runs stale code.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = join(ROOT, 'dist', 'server', 'rapport.mjs');
const SOURCES = join(ROOT, 'src');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when the bundle is missing or older than some file under the sources. */
export function serverBuildIsStale(bundle = SERVER_BUNDLE, sources = SOURCES) {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  return newestMtime(sources) > built;
}

/**
 * Bundles src/cli.ts (or another entry inside the project, such as a benchmark's server) and the
 * modules it imports; packages stay in node_modules. Each output is
 * written beside its final name and renamed over it, so a process starting meanwhile never loads
 * a half-written file.
 */
export async function buildServer(outfile = SERVER_BUNDLE, entry = join(SOURCES, 'cli.ts')) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

// `node bin/server-build.js` (npm run build:server) builds unconditionally. The name is checked too:
// bundled into another script (a benchmark's server imports the bench helpers), import.meta.url is
// that script, which is also process.argv[1].
const self = fileURLToPath(import.meta.url);
if (process.argv[1] && self.endsWith(join('bin', 'server-build.js')) && resolve(process.argv[1]) === self) {
  await buildServer();
}
