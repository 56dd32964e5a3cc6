import { sql } from 'kysely';
import { appendInteraction } from '../contacts/timeline.ts';
import type { Engine } from '../platform/db.ts';
import type { Executor } from '../platform/http.ts';
import { macHash, normalizeMac, presenceSecret } from './mac.ts';
import { sighting as sightingShape } from './presence-schema.ts';
import type { ActiveSensor } from './stores-sensors.ts';

// What a sensor saw. A registered (consented) device becomes a visit of its customer to the
// sensor's store: one per customer, store and 30-minute window, the window being the primary
// key of store_visits, so a flood of sightings (or two sensors in one store) adds one timeline
// entry. Every other device only adds to the sensor's hourly count; nothing per device is kept.

export const VISIT_WINDOW_SECONDS = 30 * 60;
/** Sensors buffer while offline; older readings are refused rather than rewriting old reports. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const MAX_AHEAD_MS = 5 * 60 * 1000;

export interface SightingsReport {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
  visits: Array<{ contactId: string; storeId: string; windowStart: string }>;
}

interface Reading {
  hash: string;
  seenAt: Date;
}

function checkReadings(raws: unknown[], secret: string, now: number): { readings: Reading[]; rejected: SightingsReport['rejected'] } {
  const readings: Reading[] = [];
  const rejected: SightingsReport['rejected'] = [];
  raws.forEach((raw, index) => {
    const p = sightingShape.safeParse(raw);
    if (!p.success) {
      const issue = p.error.issues[0]!;
      rejected.push({ index, reason: `${issue.path.join('.') || 'sighting'}: ${issue.message}` });
      return;
    }
    const mac = normalizeMac(p.data.mac);
    if (!mac.ok) return void rejected.push({ index, reason: `mac: ${mac.reason}` });
    const seenAt = p.data.seenAt ? new Date(p.data.seenAt) : new Date(now);
    if (seenAt.getTime() > now + MAX_AHEAD_MS) return void rejected.push({ index, reason: 'seenAt: in the future' });
    if (seenAt.getTime() < now - MAX_AGE_MS) return void rejected.push({ index, reason: 'seenAt: older than 7 days' });
    readings.push({ hash: macHash(secret, mac.value), seenAt });
  });
  return { readings, rejected };
}

const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
const windowOf = (d: Date) => new Date(Math.floor(d.getTime() / (VISIT_WINDOW_SECONDS * 1000)) * VISIT_WINDOW_SECONDS * 1000);

async function recordVisit(db: Executor, sensor: ActiveSensor, contactId: string, seenAt: Date): Promise<boolean> {
  const ws = sensor.workspaceId;
  const windowStart = windowOf(seenAt);
  const r = await sql<{ inserted: boolean }>`
    insert into store_visits (workspace_id, store_id, contact_id, window_start, first_seen_at, last_seen_at, sensor_id)
    values (${ws}, ${sensor.storeId}, ${contactId}, ${windowStart}, ${seenAt}, ${seenAt}, ${sensor.id})
    on conflict (workspace_id, store_id, contact_id, window_start) do update
      set sightings = store_visits.sightings + 1,
          first_seen_at = least(store_visits.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(store_visits.last_seen_at, excluded.last_seen_at)
    returning (xmax = 0) as inserted`.execute(db);
  if (!r.rows[0]?.inserted) return false;
  const store = await db.selectFrom('stores').select('name').where('workspace_id', '=', ws).where('id', '=', sensor.storeId).executeTakeFirstOrThrow();
  await appendInteraction(db, {
    workspaceId: ws,
    contactId,
    channel: 'visit',
    type: 'visit.store',
    direction: 'inbound',
    occurredAt: seenAt,
    summary: `Visited ${store.name}`.slice(0, 500),
    ref: { type: 'store', id: sensor.storeId },
    linked: [{ type: 'sensor', id: sensor.id }],
  });
  // Also a behavioural event, so segments and triggers can ask "visited a store N times".
  await db
    .insertInto('events')
    .values({
      workspace_id: ws,
      message_id: `visit:${sensor.storeId}:${contactId}:${windowStart.toISOString()}`,
      type: 'track',
      event: 'Store Visited',
      contact_id: contactId,
      properties: JSON.stringify({ storeId: sensor.storeId, storeName: store.name, sensorId: sensor.id }),
      context: JSON.stringify({ source: 'presence-sensor' }),
      occurred_at: seenAt,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return true;
}

export async function ingestSightings(engine: Engine, sensor: ActiveSensor, raws: unknown[]): Promise<SightingsReport> {
  const ws = sensor.workspaceId;
  const secret = await presenceSecret(engine.db, ws);
  const now = Date.now();
  const { readings, rejected } = checkReadings(raws, secret, now);
  // One lock order for every writer (device, then time; hours ascending): concurrent sensor
  // messages touching the same visit and count rows queue instead of deadlocking.
  readings.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.seenAt.getTime() - b.seenAt.getTime()));
  const visits: SightingsReport['visits'] = [];
  await engine.db.transaction().execute(async (trx) => {
    const hashes = [...new Set(readings.map((r) => r.hash))];
    const owners = new Map<string, string>();
    if (hashes.length > 0) {
      const rows = await trx
        .selectFrom('devices as d')
        .innerJoin('contacts as c', 'c.id', 'd.contact_id')
        .select(['d.mac_hash', 'c.id', 'c.merged_into'])
        .where('d.workspace_id', '=', ws)
        .where('d.mac_hash', 'in', hashes)
        .where('d.withdrawn_at', 'is', null)
        .where('c.deleted_at', 'is', null)
        .execute();
      for (const r of rows) owners.set(r.mac_hash, r.merged_into ?? r.id);
    }
    const counts = new Map<number, { unknown: number; known: number }>();
    for (const r of readings) {
      const hour = hourOf(r.seenAt).getTime();
      const c = counts.get(hour) ?? { unknown: 0, known: 0 };
      counts.set(hour, c);
      const contactId = owners.get(r.hash);
      if (!contactId) {
        c.unknown++;
        continue;
      }
      c.known++;
      if (await recordVisit(trx, sensor, contactId, r.seenAt)) {
        visits.push({ contactId, storeId: sensor.storeId, windowStart: windowOf(r.seenAt).toISOString() });
      }
    }
    if (counts.size > 0) {
      await trx
        .insertInto('sensor_hourly_counts')
        .values([...counts].sort((a, b) => a[0] - b[0]).map(([hour, c]) => ({ workspace_id: ws, sensor_id: sensor.id, hour: new Date(hour), unknown_sightings: c.unknown, known_sightings: c.known })))
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'sensor_id', 'hour']).doUpdateSet({
            unknown_sightings: sql`sensor_hourly_counts.unknown_sightings + excluded.unknown_sightings`,
            known_sightings: sql`sensor_hourly_counts.known_sightings + excluded.known_sightings`,
          }),
        )
        .execute();
    }
    await trx.updateTable('sensors').set({ last_seen_at: new Date(now) }).where('workspace_id', '=', ws).where('id', '=', sensor.id).execute();
  });
  return { accepted: readings.length, rejected, visits };
}

/** The sighting list of a request or MQTT message: one object, an array, or {sightings: [...]}. */
export function sightingList(body: unknown): unknown[] | null {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    const s = (body as { sightings?: unknown }).sightings;
    if (Array.isArray(s)) return s;
    if ('mac' in body) return [body];
  }
  return null;
}
