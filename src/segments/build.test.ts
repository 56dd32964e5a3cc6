import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { createLogger } from '../platform/log.ts';
import { jobHandlers } from '../jobs.ts';
import { buildWorkspaceSegments, refreshContactSegments } from './build.ts';
import { enqueueDueRebuilds } from './jobs.ts';
import { client, daysAgo, person, sorted, track, type Client } from './test-support.ts';

// Membership builds: full rebuilds, incremental refreshes for a few contacts, history of entries
// and exits, health figures, the background job and its scheduler.

const VIP = { type: 'tag', op: 'has', value: 'vip' };

async function dynamic(c: Client, name: string, rule: unknown): Promise<string> {
  const r = await c.call('POST', '/api/v1/segments', { name, kind: 'dynamic', rule });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
const members = async (c: Client, id: string) => sorted((await c.call('GET', `/api/v1/segments/${id}/members`)).body.items.map((m: any) => m.id));
const history = async (c: Client, id: string) => (await c.call('GET', `/api/v1/segments/${id}/history?limit=200`)).body.items.map((h: any) => `${h.contactId} ${h.change} ${h.cause}`);

forEachEngine('Segment builds', (env) => {
  it('rebuilds a segment: entries and exits are stored with their time, and health shows the build', async () => {
    const c = await client(env());
    const a = await person(c, { tags: ['vip'] });
    const b = await person(c, { tags: ['vip'] });
    const id = await dynamic(c, 'VIP', VIP);
    const first = await c.call('POST', `/api/v1/segments/${id}/rebuild`);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.entered, first.body.exited, first.body.size], [2, 0, 2]);
    assert.deepEqual(await members(c, id), sorted([a, b]));

    await c.call('PATCH', `/api/v1/people/${a}`, { removeTags: ['vip'] });
    const d = await person(c, { tags: ['vip'] });
    const second = await c.call('POST', `/api/v1/segments/${id}/rebuild`);
    assert.deepEqual([second.body.entered, second.body.exited, second.body.size], [1, 1, 2]);
    assert.deepEqual(await members(c, id), sorted([b, d]));
    const h = await history(c, id);
    assert.equal(h.length, 4);
    assert.deepEqual(sorted(h), sorted([`${a} entered build`, `${b} entered build`, `${a} exited build`, `${d} entered build`]));
    const again = await c.call('POST', `/api/v1/segments/${id}/rebuild`);
    assert.deepEqual([again.body.entered, again.body.exited], [0, 0], 'a rebuild with nothing changed records nothing');

    const seg = (await c.call('GET', `/api/v1/segments/${id}`)).body;
    assert.equal(seg.health.size, 2);
    assert.ok(seg.health.lastBuiltAt);
    assert.equal(typeof seg.health.lastBuildMs, 'number');
    assert.equal(typeof seg.health.lagSeconds, 'number');
    assert.deepEqual([seg.health.lastEntered, seg.health.lastExited], [0, 0]);
    const hist = (await c.call('GET', `/api/v1/segments/${id}/history`)).body.items[0];
    assert.ok(!Number.isNaN(Date.parse(hist.at)));
  });

  it('refreshes just the given contacts, leaving the others untouched until the next build', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const a = await person(c);
    const b = await person(c);
    const id = await dynamic(c, 'Buyers', { type: 'event', name: 'Order Completed', op: 'at_least', count: 1, withinDays: 30 });
    await track(env(), ws, a, 'Order Completed', daysAgo(1));
    await track(env(), ws, b, 'Order Completed', daysAgo(1));
    const changes = await refreshContactSegments(env().engine.db, ws, [a]);
    assert.deepEqual(changes.map((r) => [r.segmentId, r.entered, r.exited]), [[id, 1, 0]]);
    assert.deepEqual(await members(c, id), [a], 'b was not refreshed');
    assert.deepEqual(await history(c, id), [`${a} entered refresh`]);
    assert.deepEqual(await refreshContactSegments(env().engine.db, ws, [a]), [], 'nothing changed: nothing reported');
    await buildWorkspaceSegments(env().engine.db, ws);
    assert.deepEqual(await members(c, id), sorted([a, b]));
    assert.equal((await c.call('GET', `/api/v1/segments/${id}`)).body.health.size, 2);
  });

  it('refreshes only the calling workspace, whatever ids it is given', async () => {
    const c = await client(env());
    const other = await client(env());
    const theirs = await person(other, { tags: ['vip'] });
    const id = await dynamic(c, 'VIP', VIP);
    assert.deepEqual(await refreshContactSegments(env().engine.db, c.ws.workspaceId, [theirs]), []);
    assert.deepEqual(await members(c, id), []);
  });

  it('builds segments after the segments their rules refer to, and lets merged-away contacts exit', async () => {
    const c = await client(env());
    const a = await person(c, { tags: ['vip'], firstName: 'Same', lastName: 'Person', emails: ['same1@example.test'] });
    const b = await person(c, { tags: ['vip', 'fi'] });
    // Created first, so only a dependency-ordered build sees its source's members on the first pass.
    const viaRef = await dynamic(c, 'Finnish VIPs', { type: 'tag', op: 'has', value: 'fi' });
    const base = await dynamic(c, 'VIP', VIP);
    await c.call('PATCH', `/api/v1/segments/${viaRef}`, { rule: { op: 'and', rules: [{ type: 'tag', op: 'has', value: 'fi' }, { type: 'segment', op: 'in', segmentId: base }] } });
    const built = await buildWorkspaceSegments(env().engine.db, c.ws.workspaceId);
    assert.deepEqual(built.map((r) => r.segmentId), [base, viaRef]);
    assert.deepEqual(await members(c, viaRef), [b]);
    const merge = await c.call('POST', '/api/v1/contacts/merge', { keepId: b, mergeId: a });
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    await buildWorkspaceSegments(env().engine.db, c.ws.workspaceId);
    assert.deepEqual(await members(c, base), [b], 'the merged-away record left the segment');
  });

  it('runs the segments.rebuild job, and the scheduler enqueues one per workspace without piling up', async () => {
    const c = await client(env());
    const a = await person(c, { tags: ['vip'] });
    const id = await dynamic(c, 'VIP', VIP); // enqueues a build of this segment
    // Run the handler on our own queued job: claiming from the shared queue could run other tests' jobs.
    const job = await env().engine.db.selectFrom('jobs').selectAll().where('workspace_id', '=', c.ws.workspaceId).where('kind', '=', 'segments.rebuild').executeTakeFirstOrThrow();
    const ctx = { engine: env().engine, log: createLogger('silent'), progress: async () => {} };
    const out = (await jobHandlers['segments.rebuild']({ ...job, payload: job.payload as Record<string, unknown> }, ctx)) as { built: number };
    assert.equal(out.built, 1);
    await env().engine.db.updateTable('jobs').set({ state: 'succeeded' }).where('id', '=', job.id).execute();
    assert.deepEqual(await members(c, id), [a]);
    await enqueueDueRebuilds(env().engine);
    await enqueueDueRebuilds(env().engine);
    const queued = await env().engine.db.selectFrom('jobs').select(['kind', 'payload']).where('workspace_id', '=', c.ws.workspaceId).where('state', '=', 'queued').execute();
    assert.equal(queued.length, 1, 'a second tick does not enqueue a second build');
    assert.equal(queued[0].kind, 'segments.rebuild');
  });
});
