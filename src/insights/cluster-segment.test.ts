import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { signIn } from '../auth/test-support.ts';
import { client, headersFor } from '../orders/test-fixtures.ts';
import { buildWorkspaceSegments } from '../segments/build.ts';
import { refreshSlowingFlags } from './slowing.ts';
import { customerWithOrders, regular, runInsightsJob } from './test-support.ts';

// Saving a group as a segment, and the slowing list "for the owner" (ownerId=me).

forEachEngine('Insights: groups saved as segments, slowing list per owner', (env) => {
  it('saves a group as a dynamic segment whose members are the group', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    const regulars: string[] = [];
    const lapsed: string[] = [];
    for (let i = 0; i < 4; i++) {
      regulars.push(await customerWithOrders(db, ws.workspaceId, `Regular ${i}`, regular(10, 20, 2 + i, 40_000)));
      lapsed.push(await customerWithOrders(db, ws.workspaceId, `Lapsed ${i}`, [{ daysAgo: 500 + i, totalMinor: 1000 }]));
    }
    const job = await api.post('/api/v1/insights/clusters', { k: 2 });
    await runInsightsJob(env().engine, job.body.jobId);
    const clusters = (await api.get('/api/v1/insights/clusters')).body.latest.clusters;
    const group = clusters.find((c: any) => c.label.startsWith('Lapsed'));
    assert.ok(group, JSON.stringify(clusters));

    const saved = await api.post(`/api/v1/insights/clusters/${group.id}/segment`, {});
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    assert.equal(saved.body.name, group.label, 'named after the group by default');
    assert.equal(saved.body.kind, 'dynamic');
    assert.deepEqual(saved.body.rule, { type: 'cluster', op: 'in', clusterId: group.id });
    await buildWorkspaceSegments(db, ws.workspaceId);
    const members = (await api.get(`/api/v1/segments/${saved.body.id}/members`)).body.items.map((m: any) => m.id).sort();
    assert.deepEqual(members, [...lapsed].sort());

    const named = await api.post(`/api/v1/insights/clusters/${group.id}/segment`, { name: '  Win-back list  ', description: 'From the spring grouping' });
    assert.equal(named.status, 201);
    assert.equal(named.body.name, 'Win-back list');
    const again = await api.post(`/api/v1/insights/clusters/${group.id}/segment`, {});
    assert.equal(again.status, 409, 'the name is taken');
    assert.ok(again.body.error.fields.name);
  });

  it('refuses hostile input and callers who may not define segments', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    for (let i = 0; i < 3; i++) await customerWithOrders(db, ws.workspaceId, `C${i}`, regular(2 + i, 15, 3 + i * 90, 500 * (i + 1)));
    const job = await api.post('/api/v1/insights/clusters', { k: 2 });
    await runInsightsJob(env().engine, job.body.jobId);
    const [group] = (await api.get('/api/v1/insights/clusters')).body.latest.clusters;
    const url = `/api/v1/insights/clusters/${group.id}/segment`;
    assert.equal((await api.post('/api/v1/insights/clusters/not-a-uuid/segment', {})).status, 400);
    assert.equal((await api.post('/api/v1/insights/clusters/00000000-0000-4000-8000-000000000000/segment', {})).status, 404);
    assert.equal((await client(env().app, other.headers).post(url, {})).status, 404, "another workspace's group is not found");
    for (const body of [{ name: '' }, { name: 'a'.repeat(201) }, { name: 'x\u0000y' }, { name: 'ok', rule: { type: 'tag' } }, { name: 42 }]) {
      const r = await api.post(url, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(Object.keys(r.body.error.fields).length > 0);
    }
    assert.equal((await client(env().app, await headersFor(db, ws.workspaceId, 'agent')).post(url, {})).status, 403);
    assert.equal((await client(env().app, await headersFor(db, ws.workspaceId, 'marketer')).post(url, { name: 'By a marketer' })).status, 201);
  });

  it('lists the signed-in owner’s slowing customers with ownerId=me', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const mine = await customerWithOrders(db, ws.workspaceId, 'Mine', regular(4, 20, 60, 5_000), ws.userId);
    await customerWithOrders(db, ws.workspaceId, 'Unowned', regular(4, 20, 61, 5_000));
    await refreshSlowingFlags(db, ws.workspaceId);
    const browser = await signIn(env().app, ws.adminEmail, ws.adminPassword);
    const asUser = client(env().app, browser.headers);
    const me = await asUser.get('/api/v1/insights/slowing?ownerId=me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.deepEqual(me.body.items.map((x: any) => x.contactId), [mine]);
    assert.match(me.body.items[0].reason, /usual gap of 20(\.0)? days/);
    assert.equal((await asUser.get('/api/v1/insights/slowing')).body.items.length, 2);
    const byKey = await client(env().app, ws.headers).get('/api/v1/insights/slowing?ownerId=me');
    assert.equal(byKey.status, 400, 'an API key has no user to be "me"');
    assert.ok(byKey.body.error.fields['query.ownerId']);
    for (const bad of ['you', "me' or 1=1", '00000000-0000-4000-8000']) {
      const r = await asUser.get(`/api/v1/insights/slowing?ownerId=${encodeURIComponent(bad)}`);
      assert.equal(r.status, 400, bad);
    }
  });
});
