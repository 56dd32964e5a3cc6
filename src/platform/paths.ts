import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root (where migrations/ and web/dist/ live), found from this module's own
 * location: the same code runs from src/platform/ under tsx and from the compiled
 * dist/server/rapport.mjs, whose depths differ.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'migrations'))) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'rapport') return dir;
    }
    if (dirname(dir) === dir) throw new Error(`Cannot find Rapport's project root above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
