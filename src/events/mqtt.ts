import { connect, type MqttClient } from 'mqtt';
import type { Engine } from '../platform/db.ts';
import { MAX_JSON_DEPTH, jsonDepth } from '../platform/http.ts';
import type { Logger } from '../platform/log.ts';
import { MAX_SIGHTINGS } from './presence-schema.ts';
import { ingestSightings, sightingList, type SightingsReport } from './sightings.ts';
import { activeSensor } from './stores-sensors.ts';

// Sensors that speak MQTT publish to rapport/<workspaceId>/sensors/<sensorId>/sightings with a
// JSON payload {mac, rssi, seenAt} (or an array of them). The broker's ACLs are what stop one
// sensor from publishing under another's topic; here the topic must name a live sensor of that
// workspace, or the message is dropped.

export interface SubscriberOptions {
  url: string;
  topicPrefix?: string;
  /**
   * Shared-subscription group: with several Rapport processes each message is handled by one of
   * them (counts would double otherwise). null subscribes plainly (tests, a single process).
   */
  shareGroup?: string | null;
  log?: Logger;
  /** Called after each message: the report, or why it was dropped. */
  onMessage?: (m: { topic: string; report?: SightingsReport; dropped?: string }) => void;
}

export interface SensorSubscriber {
  client: MqttClient;
  /** Resolves once subscribed; a broker that is down delays this (reconnecting), never the app's start. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAYLOAD = 256 * 1024;

export function startSensorSubscriber(engine: Engine, opts: SubscriberOptions): SensorSubscriber {
  const prefix = opts.topicPrefix ?? 'rapport';
  const filter = `${prefix}/+/sensors/+/sightings`;
  const share = opts.shareGroup === undefined ? 'rapport' : opts.shareGroup;
  const client = connect(opts.url, { reconnectPeriod: 2000, connectTimeout: 10_000 });
  const pending = new Set<Promise<void>>();

  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const report = (m: { report?: SightingsReport; dropped?: string }) => {
      if (m.dropped) opts.log?.warn({ topic, reason: m.dropped }, 'sensor message dropped');
      opts.onMessage?.({ topic, ...m });
    };
    const parts = topic.split('/');
    const [workspaceId, sensorId] = [parts[parts.length - 4], parts[parts.length - 2]];
    if (!workspaceId || !sensorId || !UUID.test(workspaceId) || !UUID.test(sensorId)) return report({ dropped: 'topic does not name a workspace and sensor' });
    if (payload.length > MAX_PAYLOAD) return report({ dropped: 'payload too large' });
    const text = payload.toString('utf8');
    let body: unknown;
    try {
      if (jsonDepth(text) > MAX_JSON_DEPTH) throw new Error('too deep');
      body = JSON.parse(text);
    } catch {
      return report({ dropped: 'payload is not JSON' });
    }
    const list = sightingList(body);
    if (!list || list.length === 0 || list.length > MAX_SIGHTINGS) return report({ dropped: `expected 1 to ${MAX_SIGHTINGS} sightings` });
    const sensor = await activeSensor(engine.db, workspaceId.toLowerCase(), sensorId.toLowerCase());
    if (!sensor) return report({ dropped: 'no such live sensor in this workspace' });
    report({ report: await ingestSightings(engine, sensor, list) });
  };

  client.on('message', (topic, payload) => {
    const p = handle(topic, payload)
      .catch((err) => {
        opts.log?.error({ err, topic }, 'sensor message failed');
        opts.onMessage?.({ topic, dropped: `error: ${(err as Error).message}` });
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  });
  client.on('error', (err) => opts.log?.error({ err }, 'MQTT error'));
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  // A clean session forgets subscriptions: subscribe again on every (re)connect.
  client.on('connect', () => {
    client
      .subscribeAsync(share ? `$share/${share}/${filter}` : filter, { qos: 1 })
      .then(() => {
        opts.log?.info({ filter }, 'listening for sensor sightings over MQTT');
        subscribed();
      })
      .catch((err) => opts.log?.error({ err }, 'MQTT subscribe failed'));
  });
  return {
    client,
    ready,
    async close() {
      await client.endAsync();
      await Promise.allSettled([...pending]);
    },
  };
}
