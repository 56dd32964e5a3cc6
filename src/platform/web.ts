import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PROJECT_ROOT } from './paths.ts';

export const WEB_DIST = join(PROJECT_ROOT, 'web', 'dist');
const ASSET = /^\/assets\/[\w-]+(\.[\w-]+)*$/;

/**
 * Serves the built single-page app at / from the same process as the API. Unknown non-API paths
 * get index.html so client-side routes survive a reload; unknown /api paths stay JSON 404s.
 */
export async function installWebApp(app: FastifyInstance, dist = WEB_DIST): Promise<void> {
  const hasBuild = existsSync(join(dist, 'index.html'));
  if (hasBuild) {
    await app.register(fastifyStatic, { root: dist, wildcard: false, index: false, cacheControl: false });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && !path.startsWith('/api/') && path !== '/api') {
      if (!hasBuild) return reply.code(503).type('text/plain').send('The web app is not built: run `npm start` (it builds web/ first).');
      // Hashed assets are immutable; index.html must always be revalidated to pick up new builds.
      // Files are indexed at start, so the assets of a rebuild made while the server runs are found
      // here, on disk (a plain file name under assets/, nothing that could climb out of it).
      if (path.startsWith('/assets/')) {
        if (ASSET.test(path) && existsSync(join(dist, path))) return reply.sendFile(path.slice(1));
        return reply.code(404).send();
      }
      return reply.header('cache-control', 'no-cache').type('text/html').sendFile('index.html');
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${path}`, requestId: req.id } });
  });
}
