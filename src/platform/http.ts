import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { z, type ZodType } from 'zod';
import type { Database } from './database.ts';
import type { Db, Engine } from './db.ts';
import { DomainError, Forbidden, TooManyRequests, Unauthorized, Unprocessable, ValidationError, type FieldErrors } from './errors.ts';
import type { Role } from './tables.ts';

export type Executor = Db | Transaction<Database>;

export interface AuthContext {
  workspaceId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
  via: 'session' | 'api_key';
  /** Present for cookie sessions: mutations must echo it in the x-csrf-token header. */
  csrfToken?: string;
  sessionId?: string;
  /** A session of a user holding a one-time password: only the auth routes are open to it. */
  mustChangePassword?: boolean;
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface RouteContext {
  /** The request's transaction for mutations, the plain pool for reads. */
  db: Executor;
  engine: Engine;
  auth: AuthContext;
  req: FastifyRequest;
  reply: FastifyReply;
  audit(entry: AuditEntry): Promise<void>;
}

export interface PublicContext {
  db: Executor;
  engine: Engine;
  req: FastifyRequest;
  reply: FastifyReply;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef<B = any, Q = any, P = any> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  /** Roles allowed; 'public' skips authentication (the handler then gets no auth). Default: every role. */
  roles?: readonly Role[] | 'public';
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
  /** Documents the success response in the OpenAPI document. */
  response?: ZodType;
  /** Status of a successful answer; default 200 (201 is usual for creations). */
  status?: number;
  /** Raw handlers (streams, files) manage the reply themselves and get no transaction. */
  raw?: boolean;
  /**
   * The answer carries a one-time secret (a new API key, a temporary password): it is never
   * stored for Idempotency-Key replay, since that would keep the secret in clear in the database.
   */
  secretResponse?: boolean;
  /** Per-route request body limit in bytes (larger bodies are a 413); default: the app's limit. */
  bodyLimit?: number;
  handler(ctx: RouteContext, input: { body: B; query: Q; params: P }): Promise<unknown>;
}

export function defineRoutes(routes: RouteDef[]): RouteDef[] {
  return routes;
}

/** Builds a RouteDef while keeping the zod-inferred input types for the handler. */
export function route<B = undefined, Q = undefined, P = undefined>(def: RouteDef<B, Q, P>): RouteDef {
  return def as RouteDef;
}

export interface HttpDeps {
  engine: Engine;
  authenticate(req: FastifyRequest, db: Executor): Promise<AuthContext | null>;
}

export function zodFields(error: z.ZodError, prefix = ''): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '_';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

function parsePart<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) throw new ValidationError(`Invalid ${where}`, zodFields(r.error, where === 'body' ? '' : where));
  return r.data;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function requestHash(req: FastifyRequest): string {
  return createHash('sha256')
    .update(req.method + ' ' + req.url + '\n' + JSON.stringify(req.body ?? null))
    .digest('hex');
}

/** Cross-origin POSTs with a session cookie are refused: the CSRF token must come back in a header. */
function checkCsrf(req: FastifyRequest, auth: AuthContext): void {
  if (auth.via !== 'session' || !MUTATING.has(req.method)) return;
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || sent !== auth.csrfToken) throw new Forbidden('Missing or wrong CSRF token');
}

async function writeAudit(db: Executor, auth: AuthContext, requestId: string, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: auth.workspaceId,
      actor_user_id: auth.userId,
      actor_api_key_id: auth.apiKeyId,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId ?? null,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      request_id: requestId,
    })
    .execute();
}

class Replay {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * Runs the handler with an Idempotency-Key: the key row is inserted in the request's own
 * transaction, so a concurrent retry waits on it and then replays the stored answer; a failed
 * request rolls the key back and may be retried.
 */
async function withIdempotency(
  trx: Executor,
  auth: AuthContext,
  req: FastifyRequest,
  key: string,
  run: () => Promise<{ status: number; body: unknown }>,
): Promise<{ status: number; body: unknown } | Replay> {
  if (key.length > 255) throw ValidationError.field('Idempotency-Key', 'At most 255 characters');
  const hash = requestHash(req);
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({ workspace_id: auth.workspaceId, key, request_hash: hash, method: req.method, path: req.url })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!inserted) {
    const prior = await trx
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status_code', 'response_body'])
      .where('workspace_id', '=', auth.workspaceId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (prior.request_hash !== hash) {
      throw new Unprocessable('This Idempotency-Key was already used with a different request', {
        'Idempotency-Key': ['Already used with a different request'],
      });
    }
    return new Replay(prior.status_code ?? 200, prior.response_body);
  }
  const out = await run();
  await trx
    .updateTable('idempotency_keys')
    .set({ status_code: out.status, response_body: JSON.stringify(out.body ?? null) })
    .where('workspace_id', '=', auth.workspaceId)
    .where('key', '=', key)
    .execute();
  return out;
}

export function registerRoutes(app: FastifyInstance, deps: HttpDeps, routes: RouteDef[]): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
      handler: async (req, reply) => {
        const { engine } = deps;
        const input = {
          params: parsePart(r.params, req.params, 'params'),
          query: parsePart(r.query, req.query, 'query'),
          body: parsePart(r.body, req.body, 'body'),
        };
        const status = r.status ?? 200;

        if (r.roles === 'public') {
          const ctx = { db: engine.db, engine, req, reply } as unknown as RouteContext;
          const out = await r.handler(ctx, input);
          if (r.raw) return reply;
          return reply.code(status).send(out);
        }

        const auth = await deps.authenticate(req, engine.db);
        if (!auth) throw new Unauthorized();
        if (r.roles && !r.roles.includes(auth.role)) throw new Forbidden();
        checkCsrf(req, auth);
        if (auth.mustChangePassword && !r.url.startsWith('/api/v1/auth/')) {
          throw new Forbidden('Choose a new password first (POST /api/v1/auth/password)');
        }

        const makeCtx = (db: Executor): RouteContext => ({
          db,
          engine,
          auth,
          req,
          reply,
          audit: (e) => writeAudit(db, auth, req.id, e),
        });

        if (r.raw || !MUTATING.has(r.method)) {
          const out = await r.handler(makeCtx(engine.db), input);
          if (r.raw) return reply;
          return reply.code(status).send(out);
        }

        const key = req.headers['idempotency-key'];
        const result = await engine.db.transaction().execute(async (trx) => {
          const run = async () => ({ status, body: await r.handler(makeCtx(trx), input) });
          if (r.method === 'POST' && !r.secretResponse && typeof key === 'string' && key !== '') {
            return withIdempotency(trx, auth, req, key, run);
          }
          return run();
        });
        if (result instanceof Replay) reply.header('idempotent-replayed', 'true');
        return reply.code(result.status).send(result.body);
      },
    });
  }
}

export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a JSON text, counted on the raw string so a hostile body is never recursed over. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/**
 * JSON bodies nested deeper than MAX_JSON_DEPTH are refused with 400 before parsing: V8 parses
 * them fine, but every later recursive walk (JSON.stringify for idempotency hashes and jsonb,
 * validation) would overflow the stack and turn hostile input into a 500.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(new ValidationError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, { _: ['Too deeply nested'] }), undefined);
      return;
    }
    parse(req, text, done);
  });
}

/**
 * API answers carry customers' personal data and change with every write: no browser or proxy
 * may keep a copy (a shared computer's cache, a reload showing yesterday's figures).
 */
export function installNoStore(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });
}

/** Maps domain, validation, body-size and database errors to one JSON shape. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: any, req, reply) => {
    const send = (status: number, code: string, message: string, fields?: FieldErrors) =>
      reply.code(status).send({ error: { code, message, ...(fields ? { fields } : {}), requestId: req.id } });

    if (err instanceof DomainError) {
      const status =
        {
          validation_failed: 400,
          not_found: 404,
          conflict: 409,
          unauthorized: 401,
          forbidden: 403,
          unprocessable: 422,
          payload_too_large: 413,
          rate_limited: 429,
        }[err.code] ?? 400;
      if (err instanceof TooManyRequests && err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      return send(status, err.code, err.message, err.fields);
    }
    if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err?.statusCode === 413) {
      return send(413, 'payload_too_large', 'Request body too large');
    }
    if (err?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err?.statusCode === 415) {
      return send(415, 'unsupported_media_type', 'Send application/json');
    }
    if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return send(err.statusCode, 'bad_request', err.message);
    }
    // PostgreSQL: a unique violation that a service did not anticipate is still a conflict, not a 500.
    if (err?.code === '23505') return send(409, 'conflict', 'A record with these values already exists');
    if (err?.code === '22P02' || err?.code === '22007' || err?.code === '22008') {
      return send(400, 'validation_failed', 'A value has the wrong format');
    }
    if (isDatabaseDown(err)) {
      reply.header('retry-after', '5');
      return send(503, 'unavailable', 'The database is unavailable; try again shortly');
    }
    req.log.error({ err }, 'unhandled error');
    return send(500, 'internal', 'Internal error');
  });
}

function isDatabaseDown(err: any): boolean {
  const codes = ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '08003'];
  return codes.includes(err?.code) || /Connection terminated|connect ECONNREFUSED/.test(String(err?.message));
}

/** Keyset pagination cursors are opaque to clients: base64url of the sort key. */
export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity) return parts;
  } catch {
    /* fall through */
  }
  throw ValidationError.field('query.cursor', 'Invalid cursor');
}

export { sql };
