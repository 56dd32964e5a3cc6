import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { forEachEngine } from '../../test/support/harness.ts';
import { startSensorSubscriber, type SensorSubscriber } from './mqtt.ts';
import type { SightingsReport } from './sightings.ts';
import { setupStore, timelineOf } from './test-support.ts';

// Uses the Mosquitto broker at MQTT_TEST_URL (default mqtt://127.0.0.1:1883). Each run uses its
// own topic prefix, so parallel runs and the two engines never see each other's messages.

const BROKER = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';

forEachEngine('Presence sightings over MQTT', (env) => {
  const prefix = `rapport-test-${randomUUID().slice(0, 8)}`;
  let sub: SensorSubscriber;
  let pub: MqttClient;
  const waiting = new Map<string, (m: { report?: SightingsReport; dropped?: string }) => void>();

  before(async () => {
    sub = startSensorSubscriber(env().engine, {
      url: BROKER,
      topicPrefix: prefix,
      shareGroup: null,
      onMessage: (m) => {
        waiting.get(m.topic)?.(m);
        waiting.delete(m.topic);
      },
    });
    await sub.ready;
    pub = await connectAsync(BROKER);
  });
  after(async () => {
    await pub?.endAsync();
    await sub?.close();
  });

  /** Publishes and waits for the subscriber to have handled that topic's message. */
  const publish = (topic: string, payload: string) =>
    new Promise<{ report?: SightingsReport; dropped?: string }>((resolve, reject) => {
      waiting.set(topic, resolve);
      pub.publishAsync(topic, payload, { qos: 1 }).catch(reject);
    });

  it('records a visit for a registered device seen by a sensor publishing over MQTT', async () => {
    const s = await setupStore(env());
    await s.call('POST', `/api/v1/contacts/${s.person.id}/devices`, { mac: '5c:aa:fd:10:20:30', consentText: 'I agree to be recognised in store.' });
    const topic = `${prefix}/${s.ws.workspaceId}/sensors/${s.sensor.id}/sightings`;
    const m = await publish(topic, JSON.stringify({ mac: '5C:AA:FD:10:20:30', rssi: -55, seenAt: new Date().toISOString() }));
    assert.equal(m.dropped, undefined);
    assert.equal(m.report!.visits.length, 1);
    const visits = (await timelineOf(env(), s.ws, s.person.id)).filter((i) => i.channel === 'visit');
    assert.equal(visits.length, 1);
    const batch = await publish(topic, JSON.stringify([{ mac: '02:11:22:33:44:55' }, { mac: 'bad' }]));
    assert.equal(batch.report!.accepted, 1);
    assert.equal(batch.report!.rejected.length, 1);
  });

  it('drops messages for unknown sensors, other workspaces and malformed payloads', async () => {
    const a = await setupStore(env());
    const b = await setupStore(env());
    const wrongWs = await publish(`${prefix}/${a.ws.workspaceId}/sensors/${b.sensor.id}/sightings`, JSON.stringify({ mac: '02:00:00:00:00:01' }));
    assert.match(wrongWs.dropped!, /no such live sensor/);
    const notUuid = await publish(`${prefix}/not-a-workspace/sensors/x/sightings`, JSON.stringify({ mac: '02:00:00:00:00:01' }));
    assert.match(notUuid.dropped!, /topic/);
    const topic = `${prefix}/${a.ws.workspaceId}/sensors/${a.sensor.id}/sightings`;
    assert.match((await publish(topic, '{not json')).dropped!, /not JSON/);
    assert.match((await publish(topic, JSON.stringify({ hello: 1 }))).dropped!, /sightings/);
    assert.match((await publish(topic, '['.repeat(200) + ']'.repeat(200))).dropped!, /not JSON/);
    const counts = await env().engine.db.selectFrom('sensor_hourly_counts').select('sensor_id').where('workspace_id', 'in', [a.ws.workspaceId, b.ws.workspaceId]).execute();
    assert.equal(counts.length, 0, 'nothing was counted');
  });
});
