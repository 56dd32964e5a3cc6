import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { slowingCondition } from './conditions.ts';
import { refreshSlowingFlags } from './slowing.ts';
import { api as client, customerWithOrders, regular, runInsightsJob } from './test-support.ts';

forEachEngine('Slowing customers', (env) => {
  it('flags a customer whose usual gap is long overdue, or whose orders shrink, and not a steady one', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    const steady = await customerWithOrders(db, ws.workspaceId, 'Steady', regular(6, 30, 10, 10_000));
    const overdue = await customerWithOrders(db, ws.workspaceId, 'Overdue', regular(5, 30, 100, 10_000));
    const shrinking = await customerWithOrders(db, ws.workspaceId, 'Shrinking', regular(8, 10, 2, (i) => (i < 5 ? 10_000 : 3_000)));
    const tooFew = await customerWithOrders(db, ws.workspaceId, 'Two orders', regular(2, 10, 300, 10_000));

    const started = await api.post('/api/v1/insights/slowing/recompute', {});
    assert.equal(started.status, 202);
    await runInsightsJob(env().engine, started.body.jobId);

    const flagsOf = async (id: string) => (await api.get(`/api/v1/contacts/${id}/flags`)).body.items;
    assert.deepEqual(await flagsOf(steady), []);
    assert.deepEqual(await flagsOf(tooFew), [], 'one gap is not a habit');
    const [o] = await flagsOf(overdue);
    assert.equal(o.flag, 'slowing');
    assert.match(o.reason, /No order for 100 days, more than 1\.5× the usual gap of 30(\.0)? days/);
    assert.equal(o.details.byGap, true);
    assert.equal(o.details.byValue, false);
    // The figures the sentence states, for clients that word it in another language.
    assert.equal(o.details.daysSinceLastOrder, 100);
    assert.equal(o.details.factor, 1.5);
    assert.equal(Math.round(o.details.medianGapDays), 30);
    // It became overdue 45 days after the last order, i.e. 55 days ago.
    const sinceDays = (Date.now() - new Date(o.since).getTime()) / 86_400_000;
    assert.ok(Math.abs(sinceDays - 55) < 0.01, `since ${sinceDays} days ago`);
    const [s] = await flagsOf(shrinking);
    assert.match(s.reason, /Last 3 orders average 30% of the 5 orders before them/);
    assert.equal(s.details.byValue, true);
    assert.equal(s.details.byGap, false);
    assert.equal(s.details.recentOrders, 3);
    assert.equal(s.details.earlierOrders, 5);
    assert.equal(s.details.recentPercent, 30);
    const [listed] = (await api.get('/api/v1/insights/slowing')).body.items.filter((x: any) => x.contactId === shrinking);
    assert.deepEqual(listed.details, s.details, 'the list carries the same figures');

    const list = await api.get('/api/v1/insights/slowing');
    assert.deepEqual(list.body.items.map((x: any) => x.name), ['Shrinking', 'Overdue'], 'newest alert first');
    const viaRule = await db.selectFrom('contacts').select('name').where('workspace_id', '=', ws.workspaceId).where(slowingCondition(ws.workspaceId)).orderBy('name').execute();
    assert.deepEqual(viaRule.map((r) => r.name), ['Overdue', 'Shrinking']);
  });

  it('uses the workspace gap factor, and clears a flag once it no longer holds', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    const overdue = await customerWithOrders(db, ws.workspaceId, 'Overdue', regular(5, 30, 100, 10_000));
    await refreshSlowingFlags(db, ws.workspaceId);
    assert.equal((await api.get(`/api/v1/contacts/${overdue}/flags`)).body.items.length, 1);
    const put = await api.put('/api/v1/insights/settings', { slowingGapFactor: 4 });
    assert.equal(put.status, 200);
    assert.equal(put.body.slowingGapFactor, 4);
    await runInsightsJob(env().engine, put.body.recomputeJobId);
    assert.deepEqual((await api.get(`/api/v1/contacts/${overdue}/flags`)).body.items, [], '100 days < 4 × 30');
    assert.deepEqual((await api.get('/api/v1/insights/settings')).body, { slowingGapFactor: 4, slowingValueRatio: 0.7 });
  });

  it('after an order write, refreshes only the customers it is given', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const a = await customerWithOrders(db, ws.workspaceId, 'A', regular(5, 30, 100, 10_000));
    const b = await customerWithOrders(db, ws.workspaceId, 'B', regular(5, 30, 100, 10_000));
    await refreshSlowingFlags(db, ws.workspaceId, [a]);
    const flagged = await db.selectFrom('contact_flags').select('contact_id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.deepEqual(flagged.map((f) => f.contact_id), [a]);
    // A orders again today: their flag goes; B is untouched by a refresh scoped to A.
    await db.insertInto('orders').values({ workspace_id: ws.workspaceId, contact_id: a, status: 'paid', currency: 'EUR', total_minor: 10_000, ordered_at: new Date() }).execute();
    const { refreshOrderFigures } = await import('../orders/figures.ts');
    await refreshOrderFigures(db, ws.workspaceId, [a]);
    await refreshSlowingFlags(db, ws.workspaceId, [a]);
    assert.equal((await db.selectFrom('contact_flags').select('contact_id').where('workspace_id', '=', ws.workspaceId).execute()).length, 0);
    await refreshSlowingFlags(db, ws.workspaceId, []);
    await refreshSlowingFlags(db, ws.workspaceId);
    const after = await db.selectFrom('contact_flags').select('contact_id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.deepEqual(after.map((f) => f.contact_id), [b]);
  });

  it("lists an owner's slowing customers page by page", async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push(await customerWithOrders(db, ws.workspaceId, `Mine ${i}`, regular(4, 20, 60 + i, 5_000), ws.userId));
    await customerWithOrders(db, ws.workspaceId, 'Nobody’s', regular(4, 20, 60, 5_000));
    await refreshSlowingFlags(db, ws.workspaceId);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api.get(`/api/v1/insights/slowing?ownerId=${ws.userId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.items.map((x: any) => x.contactId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, mine, 'newest alert first = the most recent last order first');
    assert.equal((await api.get('/api/v1/insights/slowing')).body.items.length, 6);
  });
});
