import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { keyFor } from '../auth/test-support.ts';
import { normalizeMac } from './mac.ts';
import { CONSENT, setupStore, timelineOf } from './test-support.ts';

forEachEngine('Presence sensors', (env) => {
  it('reads MAC addresses in the usual notations and refuses what is not one device', () => {
    const same = ['AA:BB:CC:DD:EE:F0', 'aa-bb-cc-dd-ee-f0', 'aabb.ccdd.eef0', 'AABBCCDDEEF0', ' aa:bb:cc:dd:ee:f0 '];
    for (const m of same) assert.deepEqual(normalizeMac(m), { ok: true, value: 'aabbccddeef0' }, m);
    for (const bad of ['', 'aa:bb:cc:dd:ee', 'aa:bb-cc:dd:ee:f0', 'gg:bb:cc:dd:ee:f0', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:fb', "aa'; drop table devices;--", 12345]) {
      assert.equal(normalizeMac(bad).ok, false, String(bad));
    }
  });

  it('manages stores and sensors, with the sensor token shown once', async () => {
    const s = await setupStore(env());
    assert.match(s.sensor.token, /^rs_/);
    assert.equal((await s.call('GET', `/api/v1/sensors/${s.sensor.id}`)).body.token, undefined);
    assert.equal((await s.call('GET', '/api/v1/stores')).body.items.length, 1);
    assert.equal((await s.call('PATCH', `/api/v1/stores/${s.store.id}`, { name: 'Kamppi 2' })).body.name, 'Kamppi 2');
    assert.equal((await s.call('GET', `/api/v1/sensors?storeId=${s.store.id}`)).body.items.length, 1);
    assert.equal((await s.call('PATCH', `/api/v1/sensors/${s.sensor.id}`, { name: 'Door' })).body.name, 'Door');
    assert.equal((await s.call('DELETE', `/api/v1/stores/${s.store.id}`)).status, 409, 'a store with sensors stays');
    const other = (await s.call('POST', '/api/v1/stores', { name: 'Empty' })).body;
    assert.equal((await s.call('DELETE', `/api/v1/stores/${other.id}`)).status, 204);
    for (const [url, payload] of [
      ['/api/v1/stores', {}],
      ['/api/v1/stores', { name: 'x'.repeat(201) }],
      ['/api/v1/stores', { name: 'ok', extra: true }],
      ['/api/v1/sensors', { storeId: 'not-a-uuid', name: 'x' }],
      ['/api/v1/sensors', { storeId: '00000000-0000-4000-8000-000000000000', name: 'x' }],
    ] as const) {
      assert.equal((await s.call('POST', url, payload)).status, 400, JSON.stringify(payload));
    }
    const analyst = await keyFor(env().engine, s.ws.workspaceId, 'analyst');
    assert.equal((await s.call('POST', '/api/v1/stores', { name: 'No' }, analyst)).status, 403);
    assert.equal((await s.call('GET', '/api/v1/stores', undefined, analyst)).status, 200);
    assert.equal((await s.call('GET', '/api/v1/stores', undefined, {})).status, 401);
  });

  it('registers a device only with consent and never stores the MAC in clear', async () => {
    const s = await setupStore(env());
    const url = `/api/v1/contacts/${s.person.id}/devices`;
    assert.equal((await s.call('POST', url, { mac: 'AA:BB:CC:00:11:22' })).status, 400, 'consent text is required');
    assert.equal((await s.call('POST', url, { mac: 'nonsense', consentText: CONSENT })).status, 400);
    const r = await s.call('POST', url, { mac: 'AA:BB:CC:00:11:22', consentText: CONSENT, consentSource: 'in-store form' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.consentText, CONSENT);
    assert.equal(r.body.consentSource, 'in-store form');
    assert.ok(r.body.consentAt);
    assert.equal((await s.call('POST', url, { mac: 'aabb.cc00.1122', consentText: CONSENT })).status, 409, 'same device in another notation');
    const rows = await env().engine.db.selectFrom('devices').selectAll().where('workspace_id', '=', s.ws.workspaceId).execute();
    const dump = JSON.stringify(rows).toLowerCase();
    assert.ok(!dump.includes('aabbcc001122') && !dump.includes('aa:bb:cc:00:11:22'));
    assert.equal((await s.call('GET', url)).body.items.length, 1);
    for (const bad of [
      { mac: '02:00:00:00:00:21', consentText: CONSENT, extra: 1 },
      { mac: '02:00:00:00:00:21', consentText: CONSENT, consentAt: '2999-01-01T00:00:00Z' },
      { mac: '02:00:00:00:00:21', consentText: 'x'.repeat(5001) },
      { mac: ['02:00:00:00:00:21'], consentText: CONSENT },
    ]) {
      assert.equal((await s.call('POST', url, bad)).status, 400, JSON.stringify(bad).slice(0, 80));
    }
    const evil = await s.call('POST', url, { mac: '02:00:00:00:00:22', consentText: CONSENT, label: "phone'); drop table devices;--" });
    assert.equal(evil.body.label, "phone'); drop table devices;--");
    const analyst = await keyFor(env().engine, s.ws.workspaceId, 'analyst');
    assert.equal((await s.call('POST', url, { mac: '02:00:00:00:00:23', consentText: CONSENT }, analyst)).status, 403);
    assert.equal((await s.call('POST', url, { mac: '02:00:00:00:00:23', consentText: CONSENT }, {})).status, 401);
    assert.equal((await s.call('POST', '/api/v1/contacts/00000000-0000-4000-8000-000000000000/devices', { mac: '02:00:00:00:00:23', consentText: CONSENT })).status, 404);
  });

  it('turns sightings of a registered device into one visit per store and half hour', async () => {
    const s = await setupStore(env());
    await s.call('POST', `/api/v1/contacts/${s.person.id}/devices`, { mac: 'a4:5e:60:d1:22:33', consentText: CONSENT });
    const at = (iso: string) => ({ mac: 'A4-5E-60-D1-22-33', rssi: -60, seenAt: iso });
    const base = new Date(Math.floor(Date.now() / 1_800_000) * 1_800_000 - 3_600_000); // an hour ago, on a window edge
    const t = (min: number) => new Date(base.getTime() + min * 60_000).toISOString();
    const first = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, { sightings: [at(t(1)), at(t(2)), at(t(10))] }, s.sensorAuth);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.visits.length, 1);
    const again = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, at(t(20)), s.sensorAuth);
    assert.equal(again.body.visits.length, 0, 'same window: no new visit');
    const later = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, [at(t(45))], s.ws.headers);
    assert.equal(later.status, 200, 'an API key may post sightings too');
    assert.equal(later.body.visits.length, 1);
    const visits = (await timelineOf(env(), s.ws, s.person.id)).filter((i) => i.channel === 'visit');
    assert.equal(visits.length, 2);
    assert.equal(visits[0].summary, 'Visited Kamppi');
    assert.deepEqual(visits[0].ref, { type: 'store', id: s.store.id });
    const events = await env().engine.db.selectFrom('events').select(['event', 'contact_id']).where('workspace_id', '=', s.ws.workspaceId).execute();
    assert.equal(events.filter((e) => e.event === 'Store Visited' && e.contact_id === s.person.id).length, 2);
  });

  it('counts unknown devices per sensor and hour without keeping anything per device', async () => {
    const s = await setupStore(env());
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    const seenAt = new Date(hour.getTime() + 5 * 60_000).toISOString();
    const r = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, {
      sightings: [
        { mac: '02:00:00:00:00:01', rssi: -70, seenAt },
        { mac: '02:00:00:00:00:02', rssi: -80, seenAt },
        { mac: 'ff:ff:ff:ff:ff:ff', seenAt },
        { mac: '02:00:00:00:00:03', rssi: 999, seenAt },
        { mac: '02:00:00:00:00:04', seenAt: '2999-01-01T00:00:00Z' },
        { mac: '02:00:00:00:00:05', seenAt: 'yesterday' },
      ],
    }, s.sensorAuth);
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 2);
    assert.deepEqual(r.body.rejected.map((x: any) => x.index), [2, 3, 4, 5]);
    const counts = await s.call('GET', `/api/v1/sensors/${s.sensor.id}/counts`);
    assert.deepEqual(counts.body.items, [{ hour: hour.toISOString(), unknownSightings: 2, knownSightings: 0 }]);
    const visits = await env().engine.db.selectFrom('store_visits').select('contact_id').where('workspace_id', '=', s.ws.workspaceId).execute();
    assert.equal(visits.length, 0);
    const allBad = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, { sightings: [{ mac: 'x' }] }, s.sensorAuth);
    assert.equal(allBad.status, 400);
    for (const payload of [{}, { sightings: [] }, { sightings: 'x' }, { sightings: Array.from({ length: 1001 }, () => ({ mac: '02:00:00:00:00:01' })) }]) {
      assert.equal((await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, payload, s.sensorAuth)).status, 400);
    }
  });

  it('stops recognising a device once consent is withdrawn', async () => {
    const s = await setupStore(env());
    const dev = (await s.call('POST', `/api/v1/contacts/${s.person.id}/devices`, { mac: '3c:22:fb:00:00:01', consentText: CONSENT })).body;
    const del = await s.call('DELETE', `/api/v1/contacts/${s.person.id}/devices/${dev.id}`);
    assert.equal(del.status, 200);
    assert.ok(del.body.withdrawnAt);
    const r = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, { mac: '3c:22:fb:00:00:01' }, s.sensorAuth);
    assert.equal(r.body.visits.length, 0);
    // The device may be registered again (new consent).
    assert.equal((await s.call('POST', `/api/v1/contacts/${s.person.id}/devices`, { mac: '3c:22:fb:00:00:01', consentText: CONSENT })).status, 201);
  });

  it('keeps sensors, tokens, devices and counts inside their workspace', async () => {
    const a = await setupStore(env());
    const b = await setupStore(env());
    const post = (sensorId: string, headers: Record<string, string>) => a.call('POST', `/api/v1/sensors/${sensorId}/sightings`, { mac: '02:00:00:00:00:09' }, headers);
    assert.equal((await post(b.sensor.id, a.sensorAuth)).status, 403, "a sensor token posts only its own sensor's sightings");
    assert.equal((await post(b.sensor.id, a.ws.headers)).status, 404, "another workspace's sensor does not exist for this key");
    assert.equal((await post(a.sensor.id, {})).status, 401);
    assert.equal((await post(a.sensor.id, { authorization: 'Bearer rs_forged' })).status, 401);
    assert.equal((await post(a.sensor.id, { authorization: 'Bearer rk_forged' })).status, 401);
    const analyst = await keyFor(env().engine, a.ws.workspaceId, 'analyst');
    assert.equal((await post(a.sensor.id, analyst)).status, 403);
    assert.equal((await a.call('GET', `/api/v1/sensors/${b.sensor.id}`)).status, 404);
    assert.equal((await a.call('GET', `/api/v1/sensors/${b.sensor.id}/counts`)).status, 404);
    assert.equal((await a.call('PATCH', `/api/v1/stores/${b.store.id}`, { name: 'Mine' })).status, 404);
    assert.equal((await a.call('POST', '/api/v1/sensors', { storeId: b.store.id, name: 'Sneaky' })).status, 400);
    assert.equal((await a.call('POST', `/api/v1/contacts/${b.person.id}/devices`, { mac: '02:00:00:00:00:10', consentText: CONSENT })).status, 404);
    // The same phone registered in both workspaces hashes differently (per-workspace secret).
    await a.call('POST', `/api/v1/contacts/${a.person.id}/devices`, { mac: '02:00:00:00:00:11', consentText: CONSENT });
    await b.call('POST', `/api/v1/contacts/${b.person.id}/devices`, { mac: '02:00:00:00:00:11', consentText: CONSENT });
    const hashes = await env().engine.db.selectFrom('devices').select('mac_hash').where('workspace_id', 'in', [a.ws.workspaceId, b.ws.workspaceId]).execute();
    assert.equal(new Set(hashes.map((h) => h.mac_hash)).size, 2);
    // A retired sensor's token stops working.
    await a.call('DELETE', `/api/v1/sensors/${a.sensor.id}`);
    assert.equal((await post(a.sensor.id, a.sensorAuth)).status, 401);
  });

  it('makes one visit when a sensor floods the same phone concurrently', async () => {
    const s = await setupStore(env());
    await s.call('POST', `/api/v1/contacts/${s.person.id}/devices`, { mac: '5c:aa:fd:99:88:77', consentText: CONSENT });
    const seenAt = new Date().toISOString();
    const all = await Promise.all(
      Array.from({ length: 15 }, () => s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, { mac: '5c:aa:fd:99:88:77', seenAt }, s.sensorAuth)),
    );
    assert.ok(all.every((r) => r.status === 200), JSON.stringify(all.map((r) => r.body)));
    assert.equal(all.reduce((n, r) => n + r.body.visits.length, 0), 1);
    const visits = (await timelineOf(env(), s.ws, s.person.id)).filter((i) => i.channel === 'visit');
    assert.equal(visits.length, 1);
    const row = await env().engine.db.selectFrom('store_visits').select('sightings').where('workspace_id', '=', s.ws.workspaceId).executeTakeFirstOrThrow();
    assert.equal(Number(row.sightings), 15);
  });
});
