import type { FastifyRequest } from 'fastify';
import type { Actor } from '../contacts/service.ts';
import type { Engine } from '../platform/db.ts';
import { PayloadTooLarge, Unprocessable, ValidationError } from '../platform/errors.ts';
import { MAX_JSON_DEPTH, jsonDepth, type AuditEntry, type Executor } from '../platform/http.ts';
import { groupCommitFor } from './group-commit.ts';
import { applyAlias, applyGroup, applyIdentify, identityLockKeys } from './identity.ts';
import { LIMITS, batchEnvelope, type SegmentType } from './schema.ts';
import { insertEvents, lockIdentities, rowKey, type EventRow } from './store.ts';
import { checkEvent, type Envelope, type NormalizedEvent } from './validate.ts';
import { resolveWriteKey, writeKeyOf } from './write-keys.ts';

// One ingestion request: resolve the write key, validate each event, run identity changes
// (identify/alias/group) in one transaction, and hand the rest to the group-commit buffer.

/**
 * 'duplicate': this messageId is stored already with the same content (a retry): nothing new.
 * 'conflict': this messageId is stored already with other content: refused, the stored one stays
 * (GUARANTEES L5; /v1/track & co. answer 422 for it).
 */
export type EventStatus = 'stored' | 'duplicate' | 'conflict' | 'rejected';

export interface EventResult {
  index: number;
  messageId: string | null;
  status: EventStatus;
  reason?: string;
  warnings?: string[];
}

export interface IngestReport {
  success: true;
  stored: number;
  duplicates: number;
  conflicts: number;
  rejected: number;
  results: EventResult[];
}

const IDENTITY_TYPES = new Set<SegmentType>(['identify', 'alias', 'group']);

/** Browser libraries post JSON as text/plain to avoid a CORS preflight: accept that too. */
export function bodyObject(req: FastifyRequest): unknown {
  const body = req.body;
  if (typeof body !== 'string') return body;
  if (jsonDepth(body) > MAX_JSON_DEPTH) throw new ValidationError('JSON nested too deeply', { _: ['Too deeply nested'] });
  try {
    return JSON.parse(body);
  } catch {
    throw new ValidationError('The body is not JSON', { _: ['Not JSON'] });
  }
}

function auditWriter(db: Executor, workspaceId: string, requestId: string): Actor['audit'] {
  return async (e: AuditEntry) => {
    await db
      .insertInto('audit_log')
      .values({
        workspace_id: workspaceId,
        actor_user_id: null,
        actor_api_key_id: null,
        action: e.action,
        entity: e.entity,
        entity_id: e.entityId ?? null,
        before: e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === undefined ? null : JSON.stringify({ ...(e.after as object), via: 'event-source' }),
        request_id: requestId,
      })
      .execute();
  };
}

async function alreadyStored(db: Executor, workspaceId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('events')
    .select('message_id')
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', messageIds)
    .execute();
  return new Set(rows.map((r) => r.message_id));
}

/**
 * Write keys recently seen valid. /v1/track carries one event per request, so looking the key up
 * every time cost as much as storing the event. A revocation takes effect at once in this process
 * (forgetWriteKeys) and within KEY_TTL_MS in the others.
 */
const KEY_TTL_MS = 1000;
const knownKeys = new Map<string, { workspaceId: string; until: number }>();

export function forgetWriteKeys(): void {
  knownKeys.clear();
}

async function workspaceOfKey(engine: Engine, req: FastifyRequest, body: unknown): Promise<string> {
  const key = writeKeyOf(req, body);
  const now = Date.now();
  const hit = key ? knownKeys.get(key) : undefined;
  if (hit && hit.until > now) return hit.workspaceId;
  const { workspaceId } = await resolveWriteKey(engine.db, req, body);
  if (knownKeys.size >= 10_000) knownKeys.clear();
  knownKeys.set(key!, { workspaceId, until: now + KEY_TTL_MS });
  return workspaceId;
}

/** The write key is checked before the body is judged: a stranger learns nothing from a 400. */
async function authenticated(engine: Engine, req: FastifyRequest): Promise<{ workspaceId: string; body: unknown }> {
  let body: unknown = null;
  let bodyError: unknown = null;
  try {
    body = bodyObject(req);
  } catch (err) {
    bodyError = err;
  }
  const workspaceId = await workspaceOfKey(engine, req, body);
  if (bodyError) throw bodyError;
  return { workspaceId, body };
}

export async function ingest(
  engine: Engine,
  req: FastifyRequest,
  workspaceId: string,
  raws: unknown[],
  impliedType: SegmentType | null,
  env: Omit<Envelope, 'receivedAt'> = {},
): Promise<IngestReport> {
  const envelope: Envelope = { ...env, receivedAt: new Date() };
  const results: EventResult[] = [];
  const valid: Array<{ index: number; event: NormalizedEvent }> = [];
  const seen = new Set<string>();
  const eventAt = new Map<number, NormalizedEvent>();
  raws.forEach((raw, index) => {
    const c = checkEvent(raw, impliedType, envelope);
    if (!c.ok) {
      const mid = raw && typeof raw === 'object' && typeof (raw as any).messageId === 'string' ? String((raw as any).messageId).slice(0, 100) : null;
      results[index] = { index, messageId: mid, status: 'rejected', reason: c.reason };
      return;
    }
    eventAt.set(index, c.event);
    if (seen.has(c.event.messageId)) {
      results[index] = { index, messageId: c.event.messageId, status: 'duplicate' };
    } else {
      seen.add(c.event.messageId);
      valid.push({ index, event: c.event });
    }
  });

  // Identity events: their side effects (creating a customer, linking ids) must not repeat on a
  // retry, so a messageId already stored is a duplicate before anything else happens.
  const identity = valid.filter((v) => IDENTITY_TYPES.has(v.event.type));
  if (identity.length > 0) {
    await engine.db.transaction().execute(async (trx) => {
      // All keys at once, in one sorted statement: two batches naming the same people in
      // another order queue instead of deadlocking. The duplicate check must follow the lock.
      if (engine.kind === 'postgres') await lockIdentities(trx, identity.flatMap((v) => identityLockKeys(workspaceId, v.event)), 'exclusive');
      const stored = await alreadyStored(trx, workspaceId, identity.map((v) => v.event.messageId));
      const actor: Actor = { workspaceId, userId: null, audit: auditWriter(trx, workspaceId, req.id) };
      for (const v of identity) {
        if (stored.has(v.event.messageId)) {
          results[v.index] = { index: v.index, messageId: v.event.messageId, status: 'duplicate' };
          continue;
        }
        const apply = v.event.type === 'identify' ? applyIdentify : v.event.type === 'alias' ? applyAlias : applyGroup;
        const outcome = await apply(trx, actor, v.event);
        const got = await insertEvents(trx, [{ workspaceId, event: v.event, contactId: outcome.contactId }]);
        const hit = got.get(rowKey(workspaceId, v.event.messageId));
        results[v.index] = {
          index: v.index,
          messageId: v.event.messageId,
          status: hit ? 'stored' : 'duplicate',
          ...(outcome.warnings.length ? { warnings: outcome.warnings } : {}),
        };
      }
    });
  }

  const plain = valid.filter((v) => !IDENTITY_TYPES.has(v.event.type));
  const rows: EventRow[] = plain.map((v) => ({ workspaceId, event: v.event }));
  const stored = await groupCommitFor(engine).submit(rows);
  plain.forEach((v, i) => {
    const hit = stored[i];
    results[v.index] = { index: v.index, messageId: v.event.messageId, status: hit ? 'stored' : 'duplicate' };
  });

  await markConflicts(engine.db, workspaceId, results, eventAt);
  const count = (s: EventStatus) => results.filter((r) => r.status === s).length;
  return { success: true, stored: count('stored'), duplicates: count('duplicate'), conflicts: count('conflict'), rejected: count('rejected'), results };
}

/** Same content regardless of key order (what jsonb equality means). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as any)[k], (b as any)[k]));
}

/**
 * A messageId seen before is a retry only if it carries the same event: type, name, ids and
 * properties. Times and context are left out of the comparison on purpose: a client that lets
 * the server date its events, or stamps its library version in context, sends those anew on a
 * retry. Only the duplicates are read back, so the common path costs nothing.
 */
async function markConflicts(db: Executor, workspaceId: string, results: EventResult[], eventAt: Map<number, NormalizedEvent>): Promise<void> {
  const dups = results.filter((r) => r.status === 'duplicate' && eventAt.has(r.index));
  if (dups.length === 0) return;
  const storedRows = await db
    .selectFrom('events')
    .select(['message_id', 'type', 'event', 'user_id', 'anonymous_id', 'properties'])
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', [...new Set(dups.map((d) => d.messageId!))])
    .execute();
  const byId = new Map(storedRows.map((r) => [r.message_id, r]));
  for (const d of dups) {
    const e = eventAt.get(d.index)!;
    const s = byId.get(e.messageId);
    if (!s) continue;
    const props = typeof s.properties === 'string' ? JSON.parse(s.properties) : s.properties;
    const same = s.type === e.type && (s.event ?? null) === e.event && (s.user_id ?? null) === e.userId && (s.anonymous_id ?? null) === e.anonymousId && sameJson(props, JSON.parse(JSON.stringify(e.properties)));
    if (!same) {
      d.status = 'conflict';
      d.reason = 'This messageId was already used for a different event; the first one is kept';
    }
  }
}

/** POST /v1/batch: 200 with a per-event report unless every event was refused (then 400, naming each). */
export async function ingestBatch(engine: Engine, req: FastifyRequest): Promise<IngestReport> {
  const { workspaceId, body } = await authenticated(engine, req);
  const parsed = batchEnvelope.safeParse(body);
  if (!parsed.success) throw new ValidationError('Expected {"batch": [events]}', { batch: ['Expected an array of events'] });
  const { batch, sentAt, context } = parsed.data;
  if (batch.length > LIMITS.batchEvents) throw new PayloadTooLarge(`At most ${LIMITS.batchEvents} events per batch`);
  if (batch.length === 0) throw ValidationError.field('batch', 'The batch is empty');
  const report = await ingest(engine, req, workspaceId, batch, null, { sentAt, context });
  if (report.rejected === batch.length) {
    const fields: Record<string, string[]> = {};
    for (const r of report.results) fields[`batch.${r.index}`] = [r.reason ?? 'Rejected'];
    throw new ValidationError('No event in the batch was accepted', fields);
  }
  return report;
}

/** POST /v1/track, /v1/identify…: one event; a refused event is a 400 with its field errors. */
/**
 * Answers never name customers: a write key may sit in a public web page, and an identify with
 * someone's e-mail must not reveal their record's id.
 */
export async function ingestOne(engine: Engine, req: FastifyRequest, type: SegmentType): Promise<{ success: true; messageId: string; status: EventStatus; warnings?: string[] }> {
  const { workspaceId, body: raw } = await authenticated(engine, req);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('Expected an event object', { _: ['Expected an object'] });
  const report = await ingest(engine, req, workspaceId, [raw], type, {});
  const r = report.results[0]!;
  if (r.status === 'conflict') throw new Unprocessable(r.reason!, { messageId: [r.reason!] });
  if (r.status === 'rejected') {
    const c = checkEvent(raw, type, { receivedAt: new Date() });
    throw new ValidationError(r.reason ?? 'Invalid event', c.ok ? undefined : (c.fields ?? { _: [c.reason] }));
  }
  return { success: true, messageId: r.messageId!, status: r.status, ...(r.warnings ? { warnings: r.warnings } : {}) };
}
