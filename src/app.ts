import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import { authenticate } from './auth/authenticate.ts';
import { authRoutes } from './auth/routes.ts';
import { contactsRoutes } from './contacts/routes.ts';
import { importsRoutes, registerCsvBodyParser } from './imports/routes.ts';
import { ordersRoutes } from './orders/routes.ts';
import { eventsRoutes } from './events/routes.ts';
import { streamRoutes } from './events/stream-routes.ts';
import { segmentsRoutes } from './segments/routes.ts';
import { contactSegmentsRoutes } from './segments/contact-routes.ts';
import { insightsRoutes } from './insights/routes.ts';
import type { Engine } from './platform/db.ts';
import { installErrorHandler, installNoStore, installJsonBodyParser, registerRoutes, type RouteDef } from './platform/http.ts';
import type { Logger } from './platform/log.ts';
import { buildOpenApi } from './platform/openapi.ts';
import { installWebApp } from './platform/web.ts';

export const VERSION = '0.1.0';

export const allRoutes: RouteDef[] = [
  ...authRoutes,
  ...contactsRoutes,
  ...ordersRoutes,
  ...importsRoutes,
  ...eventsRoutes,
  ...streamRoutes,
  ...segmentsRoutes,
  ...contactSegmentsRoutes,
  ...insightsRoutes,
];

export interface AppOptions {
  engine: Engine;
  logger?: Logger | false;
  bodyLimit?: number;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (opts.logger || undefined) as FastifyBaseLogger | undefined,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    genReqId: () => crypto.randomUUID(),
  });
  await app.register(cookie);
  installErrorHandler(app);
  installNoStore(app);
  installJsonBodyParser(app);
  registerCsvBodyParser(app);
  registerRoutes(app, { engine: opts.engine, authenticate }, allRoutes);
  const doc = buildOpenApi(allRoutes, VERSION);
  app.get('/api/openapi.json', async () => doc);
  app.get('/api/health', async () => ({ ok: true, engine: opts.engine.kind }));
  await installWebApp(app);
  return app;
}
