import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine } from '../../test/support/harness.ts';
import { RFM_JOB, SLOWING_JOB } from './jobs.ts';
import { enqueueDueInsights } from './schedule.ts';
import { api as client, customerWithOrders, regular, runInsightsJob } from './test-support.ts';

forEachEngine('Daily insights recompute', (env) => {
  const queued = async (workspaceId: string) =>
    (
      await env()
        .engine.db.selectFrom('jobs')
        .select(['id', 'kind'])
        .where('workspace_id', '=', workspaceId)
        .where('kind', 'in', [RFM_JOB, SLOWING_JOB])
        .where('state', '=', 'queued')
        .orderBy('kind')
        .execute()
    );

  it('flags a customer who simply stopped buying, without anyone pressing a button', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const quiet = await customerWithOrders(db, ws.workspaceId, 'Went quiet', regular(5, 30, 100, 10_000));

    assert.equal(await enqueueDueInsights(db, { workspaceId: ws.workspaceId }), 2);
    const jobs = await queued(ws.workspaceId);
    assert.deepEqual(jobs.map((j) => j.kind), [RFM_JOB, SLOWING_JOB]);
    for (const j of jobs) await runInsightsJob(env().engine, j.id);

    const api = client(env().app, ws.headers);
    const [flag] = (await api.get(`/api/v1/contacts/${quiet}/flags`)).body.items;
    assert.equal(flag?.flag, 'slowing');
    const rfm = await db.selectFrom('contact_rfm').select('contact_id').where('contact_id', '=', quiet).execute();
    assert.equal(rfm.length, 1, 'the customer has RFM scores');
  });

  it('runs once a day per workspace: not while one waits, not again the same day, again the next', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    await customerWithOrders(db, ws.workspaceId, 'Buyer', regular(3, 20, 5, 5_000));
    assert.equal(await enqueueDueInsights(db, { workspaceId: ws.workspaceId }), 2);
    assert.equal(await enqueueDueInsights(db, { workspaceId: ws.workspaceId }), 0, 'the waiting jobs are enough');
    for (const j of await queued(ws.workspaceId)) await runInsightsJob(env().engine, j.id);
    assert.equal(await enqueueDueInsights(db, { workspaceId: ws.workspaceId }), 0, 'done today');

    await sql`update jobs set created_at = now() - interval '25 hours' where workspace_id = ${ws.workspaceId}`.execute(db);
    assert.equal(await enqueueDueInsights(db, { workspaceId: ws.workspaceId }), 2, 'a day later, again');
  });

  it('counts a recompute someone asked for as the day’s run, and leaves workspaces without orders alone', async () => {
    const withOrders = await env().workspace();
    const empty = await env().workspace();
    const db = env().engine.db;
    await customerWithOrders(db, withOrders.workspaceId, 'Buyer', regular(3, 20, 5, 5_000));
    const api = client(env().app, withOrders.headers);
    const pressed = await api.post('/api/v1/insights/slowing/recompute', {});
    await runInsightsJob(env().engine, pressed.body.jobId);

    assert.equal(await enqueueDueInsights(db, { workspaceId: withOrders.workspaceId }), 1, 'only RFM is due');
    assert.deepEqual((await queued(withOrders.workspaceId)).map((j) => j.kind), [RFM_JOB]);
    assert.equal(await enqueueDueInsights(db, { workspaceId: empty.workspaceId }), 0);
  });
});
