import { sql } from 'kysely';
import { randomToken, sha256 } from '../auth/tokens.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';

// Stores (points of sale) and the presence sensors installed at them. A sensor has its own
// token (shown once), good only for posting that sensor's sightings.

export const SENSOR_TOKEN_PREFIX = 'rs_';

export interface StoreView {
  id: string;
  name: string;
  address: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const STORE_COLS = ['id', 'name', 'address', 'created_at', 'updated_at'] as const;
const storeView = (r: { id: string; name: string; address: string | null; created_at: Date; updated_at: Date }): StoreView => ({
  id: r.id,
  name: r.name,
  address: r.address,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function createStore(db: Executor, ws: string, body: { name: string; address?: string | null }): Promise<StoreView> {
  const r = await db
    .insertInto('stores')
    .values({ workspace_id: ws, name: body.name, address: body.address ?? null })
    .returning(STORE_COLS)
    .executeTakeFirstOrThrow();
  return storeView(r);
}

export async function listStores(db: Executor, ws: string): Promise<StoreView[]> {
  const rows = await db.selectFrom('stores').select(STORE_COLS).where('workspace_id', '=', ws).orderBy('name').orderBy('id').execute();
  return rows.map(storeView);
}

export async function getStore(db: Executor, ws: string, id: string): Promise<StoreView> {
  const r = await db.selectFrom('stores').select(STORE_COLS).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFound('Store');
  return storeView(r);
}

export async function updateStore(db: Executor, ws: string, id: string, patch: { name?: string; address?: string | null }): Promise<{ before: StoreView; after: StoreView }> {
  const before = await getStore(db, ws, id);
  const r = await db
    .updateTable('stores')
    .set({ ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.address !== undefined ? { address: patch.address } : {}), updated_at: sql`now()` } as never)
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(STORE_COLS)
    .executeTakeFirstOrThrow();
  return { before, after: storeView(r) };
}

/** A store with sensors or visits keeps its history: remove its sensors' records first, or rename it. */
export async function deleteStore(db: Executor, ws: string, id: string): Promise<StoreView> {
  const before = await getStore(db, ws, id);
  const sensor = await db.selectFrom('sensors').select('id').where('workspace_id', '=', ws).where('store_id', '=', id).limit(1).executeTakeFirst();
  const visit = await db.selectFrom('store_visits').select('contact_id').where('workspace_id', '=', ws).where('store_id', '=', id).limit(1).executeTakeFirst();
  const used = sensor ?? visit;
  if (used) throw new Conflict('The store has sensors or visits; it cannot be deleted');
  await db.deleteFrom('stores').where('workspace_id', '=', ws).where('id', '=', id).execute();
  return before;
}

export interface SensorView {
  id: string;
  storeId: string;
  name: string;
  tokenPrefix: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}

const SENSOR_COLS = ['id', 'store_id', 'name', 'token_prefix', 'created_at', 'last_seen_at', 'revoked_at'] as const;
const sensorView = (r: {
  id: string;
  store_id: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
}): SensorView => ({
  id: r.id,
  storeId: r.store_id,
  name: r.name,
  tokenPrefix: r.token_prefix,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  revokedAt: r.revoked_at,
});

async function checkStore(db: Executor, ws: string, storeId: string): Promise<void> {
  const s = await db.selectFrom('stores').select('id').where('workspace_id', '=', ws).where('id', '=', storeId).executeTakeFirst();
  if (!s) throw ValidationError.field('storeId', 'No such store');
}

export async function createSensor(db: Executor, ws: string, body: { storeId: string; name: string }): Promise<SensorView & { token: string }> {
  await checkStore(db, ws, body.storeId);
  const token = randomToken(SENSOR_TOKEN_PREFIX);
  const r = await db
    .insertInto('sensors')
    .values({ workspace_id: ws, store_id: body.storeId, name: body.name, token_prefix: token.slice(0, 10), token_hash: sha256(token) })
    .returning(SENSOR_COLS)
    .executeTakeFirstOrThrow();
  return { ...sensorView(r), token };
}

export async function listSensors(db: Executor, ws: string, storeId?: string): Promise<SensorView[]> {
  let q = db.selectFrom('sensors').select(SENSOR_COLS).where('workspace_id', '=', ws);
  if (storeId) q = q.where('store_id', '=', storeId);
  return (await q.orderBy('name').orderBy('id').execute()).map(sensorView);
}

export async function getSensor(db: Executor, ws: string, id: string): Promise<SensorView> {
  const r = await db.selectFrom('sensors').select(SENSOR_COLS).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFound('Sensor');
  return sensorView(r);
}

export async function updateSensor(db: Executor, ws: string, id: string, patch: { storeId?: string; name?: string }): Promise<{ before: SensorView; after: SensorView }> {
  const before = await getSensor(db, ws, id);
  if (patch.storeId) await checkStore(db, ws, patch.storeId);
  const r = await db
    .updateTable('sensors')
    .set({ ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.storeId ? { store_id: patch.storeId } : {}) })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(SENSOR_COLS)
    .executeTakeFirstOrThrow();
  return { before, after: sensorView(r) };
}

/** Retiring a sensor revokes its token; its counts stay for the reports. */
export async function revokeSensor(db: Executor, ws: string, id: string): Promise<{ before: SensorView; after: SensorView }> {
  const before = await getSensor(db, ws, id);
  const r = await db
    .updateTable('sensors')
    .set({ revoked_at: before.revokedAt ?? new Date() })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(SENSOR_COLS)
    .executeTakeFirstOrThrow();
  return { before, after: sensorView(r) };
}

export interface ActiveSensor {
  id: string;
  workspaceId: string;
  storeId: string;
}

/** A live sensor by its own token (null for an unknown or revoked token). */
export async function sensorByToken(db: Executor, token: string): Promise<ActiveSensor | null> {
  const r = await db
    .selectFrom('sensors')
    .select(['id', 'workspace_id', 'store_id'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r ? { id: r.id, workspaceId: r.workspace_id, storeId: r.store_id } : null;
}

export async function activeSensor(db: Executor, ws: string, id: string): Promise<ActiveSensor | null> {
  const r = await db
    .selectFrom('sensors')
    .select(['id', 'workspace_id', 'store_id'])
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r ? { id: r.id, workspaceId: r.workspace_id, storeId: r.store_id } : null;
}

export async function hourlyCounts(db: Executor, ws: string, sensorId: string, from?: string, to?: string) {
  await getSensor(db, ws, sensorId);
  let q = db
    .selectFrom('sensor_hourly_counts')
    .select(['hour', 'unknown_sightings', 'known_sightings'])
    .where('workspace_id', '=', ws)
    .where('sensor_id', '=', sensorId);
  if (from) q = q.where('hour', '>=', new Date(from));
  if (to) q = q.where('hour', '<', new Date(to));
  const rows = await q.orderBy('hour').limit(24 * 400).execute();
  return { items: rows.map((r) => ({ hour: new Date(r.hour).toISOString(), unknownSightings: Number(r.unknown_sightings), knownSightings: Number(r.known_sightings) })) };
}
