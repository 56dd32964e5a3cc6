import assert from 'node:assert/strict';
import { it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { forEachEngine } from '../../test/support/harness.ts';
import { headersFor } from '../orders/test-fixtures.ts';
import { api, customerWithOrders, regular, runInsightsJob } from './test-support.ts';

const GETS = [
  '/api/v1/insights/rfm',
  '/api/v1/insights/clusters',
  '/api/v1/insights/slowing',
  '/api/v1/insights/valuable',
  '/api/v1/insights/settings',
];
const POSTS = ['/api/v1/insights/rfm/recompute', '/api/v1/insights/clusters', '/api/v1/insights/slowing/recompute'];

forEachEngine('Insights endpoints refuse bad callers and bad input', (env) => {
  it('needs a key (401) and a writing role to start recomputes (403)', async () => {
    const ws = await env().workspace();
    const anon = api(env().app);
    for (const url of GETS) assert.equal((await anon.get(url)).status, 401, url);
    for (const url of POSTS) assert.equal((await anon.post(url, {})).status, 401, url);
    assert.equal((await anon.get(`/api/v1/contacts/${randomUUID()}/flags`)).status, 401);
    const analyst = api(env().app, await headersFor(env().engine.db, ws.workspaceId, 'analyst'));
    for (const url of POSTS) assert.equal((await analyst.post(url, {})).status, 403, url);
    for (const url of GETS) assert.equal((await analyst.get(url)).status, 200, url);
    const marketer = api(env().app, await headersFor(env().engine.db, ws.workspaceId, 'marketer'));
    assert.equal((await marketer.put('/api/v1/insights/settings', { slowingGapFactor: 2 })).status, 403, 'settings are admin-only');
  });

  it('answers 400 with field errors for bad types, ranges, unknown fields and garbage cursors', async () => {
    const ws = await env().workspace();
    const c = api(env().app, ws.headers);
    const bad: Array<[string, string, unknown?]> = [
      ['POST', '/api/v1/insights/clusters', { k: 1 }],
      ['POST', '/api/v1/insights/clusters', { k: 21 }],
      ['POST', '/api/v1/insights/clusters', { k: 2.5 }],
      ['POST', '/api/v1/insights/clusters', { k: "3; drop table contacts" }],
      ['POST', '/api/v1/insights/clusters', { k: 3, admin: true }],
      ['POST', '/api/v1/insights/clusters', { seed: -1 }],
      ['POST', '/api/v1/insights/rfm/recompute', { force: true }],
      ['PUT', '/api/v1/insights/settings', { slowingValueRatio: 1.5 }],
      ['PUT', '/api/v1/insights/settings', { slowingGapFactor: '2' }],
      ['PUT', '/api/v1/insights/settings', { slowingGapFactor: 0.5 }],
      ['PUT', '/api/v1/insights/settings', {}],
      ['GET', "/api/v1/insights/slowing?ownerId=' or 1=1 --"],
      ['GET', '/api/v1/insights/slowing?limit=0'],
      ['GET', '/api/v1/insights/slowing?limit=abc'],
      ['GET', '/api/v1/insights/slowing?cursor=not-a-cursor'],
      ['GET', `/api/v1/insights/slowing?cursor=${Buffer.from(JSON.stringify(["x'); drop table contacts;--", 'y'])).toString('base64url')}`],
      ['GET', `/api/v1/insights/slowing?cursor=${'A'.repeat(600)}`],
      ['GET', '/api/v1/insights/slowing?sort=name'],
      ['GET', '/api/v1/insights/valuable?windowDays=-1'],
      ['GET', '/api/v1/insights/valuable?windowDays=99999'],
      ['GET', '/api/v1/insights/valuable?limit=100000'],
      ['GET', '/api/v1/contacts/not-a-uuid/flags'],
      ['GET', '/api/v1/insights/clusters/1%20or%201=1/members'],
      ['GET', '/api/v1/insights/jobs/abc'],
    ];
    for (const [method, url, body] of bad) {
      const res = method === 'GET' ? await c.get(url) : method === 'PUT' ? await c.put(url, body) : await c.post(url, body);
      assert.equal(res.status, 400, `${method} ${url} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'validation_failed', url);
    }
  });

  it("never shows another workspace's clusters, flags or jobs", async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    const db = env().engine.db;
    const ca = api(env().app, a.headers);
    const cb = api(env().app, b.headers);
    const slow = await customerWithOrders(db, a.workspaceId, 'Slow', regular(5, 30, 100, 10_000), a.userId);
    await customerWithOrders(db, a.workspaceId, 'Other', regular(5, 10, 1, 10_000));
    const cl = await ca.post('/api/v1/insights/clusters', { k: 2 });
    await runInsightsJob(env().engine, cl.body.jobId);
    const sl = await ca.post('/api/v1/insights/slowing/recompute', {});
    await runInsightsJob(env().engine, sl.body.jobId);
    const clusterId = (await ca.get('/api/v1/insights/clusters')).body.latest.clusters[0].id;

    assert.equal((await cb.get(`/api/v1/insights/clusters/${clusterId}/members`)).status, 404);
    assert.equal((await cb.get(`/api/v1/contacts/${slow}/flags`)).status, 404);
    assert.equal((await cb.get(`/api/v1/insights/jobs/${cl.body.jobId}`)).status, 404);
    assert.equal((await cb.get('/api/v1/insights/clusters')).body.latest, null);
    assert.deepEqual((await cb.get('/api/v1/insights/slowing')).body.items, []);
    assert.deepEqual((await cb.get(`/api/v1/insights/slowing?ownerId=${a.userId}`)).body.items, []);
    assert.deepEqual((await cb.get('/api/v1/insights/valuable')).body.items, []);
    assert.equal((await ca.get(`/api/v1/insights/jobs/${cl.body.jobId}`)).body.state, 'succeeded');
    assert.equal((await ca.get(`/api/v1/contacts/${slow}/flags`)).body.items.length, 1);
    assert.equal((await ca.get(`/api/v1/insights/clusters/${randomUUID()}/members`)).status, 404);
  });

  it('gives back the waiting job instead of queueing the same recompute twice, and audits each request', async () => {
    const ws = await env().workspace();
    const c = api(env().app, ws.headers);
    const one = await c.post('/api/v1/insights/rfm/recompute');
    const two = await c.post('/api/v1/insights/rfm/recompute', {});
    assert.equal(one.status, 202);
    assert.equal(two.body.jobId, one.body.jobId);
    assert.equal(two.body.reused, true);
    const k3 = await c.post('/api/v1/insights/clusters', { k: 3 });
    const k4 = await c.post('/api/v1/insights/clusters', { k: 4 });
    assert.notEqual(k3.body.jobId, k4.body.jobId, 'a different k is a different request');
    const audits = await env().engine.db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).where('action', 'like', 'insights.%').execute();
    assert.equal(audits.length, 4);
  });
});
