import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, createPerson, headersFor, order, product } from './test-fixtures.ts';

forEachEngine('Complaints and receivables', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId, { name: 'Complainer' });
    await product(api, 'P', 1000);
    return { ws, api, db, contactId };
  }

  it('records a complaint about an order, lists it and resolves it', async () => {
    const { ws, api, db, contactId } = await setup();
    const o = await order(api, { contactId, externalId: 'C-1', lines: [{ sku: 'P', quantity: 1 }] });
    const c = await api.post('/api/v1/complaints', { contactId, orderId: o.id, subject: 'Arrived broken', body: 'The lid was cracked.' });
    assert.equal(c.status, 201);
    assert.equal(c.body.status, 'open');
    await api.post('/api/v1/complaints', { contactId, subject: 'Rude courier' });

    const open = await api.get(`/api/v1/complaints?contactId=${contactId}&status=open`);
    assert.deepEqual(open.body.items.map((x: any) => x.subject), ['Rude courier', 'Arrived broken']);

    const resolved = await api.patch(`/api/v1/complaints/${c.body.id}`, { status: 'resolved' });
    assert.equal(resolved.status, 200);
    assert.ok(resolved.body.resolvedAt);
    const reopened = await api.patch(`/api/v1/complaints/${c.body.id}`, { status: 'open' });
    assert.equal(reopened.body.resolvedAt, null);
    assert.equal((await api.get(`/api/v1/complaints?status=resolved`)).body.items.length, 0);

    const entries = await db.selectFrom('interactions').select(['type', 'summary', 'ref_id']).where('contact_id', '=', contactId).where('channel', '=', 'complaint').orderBy('id').execute();
    assert.deepEqual(entries.map((e) => e.type), ['complaint.opened', 'complaint.opened', 'complaint.resolved', 'complaint.reopened']);
    assert.equal(entries[0]!.summary, 'Complaint about order #C-1: Arrived broken');
    const audit = await db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).where('entity', '=', 'complaint').execute();
    assert.equal(audit.length, 4);
  });

  it('pages complaints newest first', async () => {
    const { api, contactId } = await setup();
    for (let i = 0; i < 5; i++) await api.post('/api/v1/complaints', { contactId, subject: `S${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`/api/v1/complaints?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((c: any) => c.subject));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['S4', 'S3', 'S2', 'S1', 'S0']);
  });

  it('refuses complaints naming another customer\'s order, strangers, analysts and bad input', async () => {
    const { ws, api, db, contactId } = await setup();
    const other = await createPerson(db, ws.workspaceId);
    const o = await order(api, { contactId: other, lines: [{ sku: 'P', quantity: 1 }] });
    const wrong = await api.post('/api/v1/complaints', { contactId, orderId: o.id, subject: 'x' });
    assert.equal(wrong.status, 400);
    assert.ok(wrong.body.error.fields.orderId);
    assert.equal((await api.post('/api/v1/complaints', { contactId, subject: '' })).status, 400);
    assert.equal((await api.post('/api/v1/complaints', { contactId, subject: 'x'.repeat(301) })).status, 400);
    assert.equal((await api.post('/api/v1/complaints', { contactId, subject: 'x', severity: 'high' })).status, 400);

    const c = await api.post('/api/v1/complaints', { contactId, subject: "'; delete from complaints; --", body: '<script>alert(1)</script>' });
    assert.equal(c.status, 201);
    assert.equal((await api.get(`/api/v1/complaints/${c.body.id}`)).body.body, '<script>alert(1)</script>');
    assert.equal((await api.patch(`/api/v1/complaints/${c.body.id}`, { status: 'closed' })).status, 400);

    const strangerWs = await env().workspace();
    const stranger = client(env().app, strangerWs.headers);
    assert.equal((await stranger.post('/api/v1/complaints', { contactId, subject: 'x' })).status, 404);
    assert.equal((await stranger.get(`/api/v1/complaints/${c.body.id}`)).status, 404);
    assert.equal((await stranger.patch(`/api/v1/complaints/${c.body.id}`, { status: 'resolved' })).status, 404);
    assert.equal((await stranger.get(`/api/v1/complaints?contactId=${contactId}`)).body.items.length, 0);
    const strangersOwn = await createPerson(db, strangerWs.workspaceId);
    assert.equal((await stranger.post('/api/v1/complaints', { contactId: strangersOwn, orderId: o.id, subject: 'x' })).status, 404);

    const analyst = client(env().app, await headersFor(db, ws.workspaceId, 'analyst'));
    assert.equal((await analyst.get('/api/v1/complaints')).status, 200);
    assert.equal((await analyst.post('/api/v1/complaints', { contactId, subject: 'x' })).status, 403);
    assert.equal((await analyst.patch(`/api/v1/complaints/${c.body.id}`, { status: 'resolved' })).status, 403);
  });

  it('lists customers who owe money, largest debt first, page by page', async () => {
    const { ws, api, db } = await setup();
    const debts = [3000, 1000, 5000, 0, 2000];
    const ids: string[] = [];
    for (const [i, due] of debts.entries()) {
      const id = await createPerson(db, ws.workspaceId, { name: `Debtor ${i}` });
      ids.push(id);
      await order(api, { contactId: id, lines: [{ sku: 'P', quantity: 6 }] });
      await api.post('/api/v1/payments', { contactId: id, amountMinor: 6000 - due });
    }
    const cancelled = await createPerson(db, ws.workspaceId, { name: 'Cancelled' });
    await order(api, { contactId: cancelled, status: 'cancelled', lines: [{ sku: 'P', quantity: 1 }] });

    const seen: Array<[string, number]> = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`/api/v1/receivables?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((r: any) => [r.name, r.amountDueMinor] as [string, number]));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [['Debtor 2', 5000], ['Debtor 0', 3000], ['Debtor 4', 2000], ['Debtor 1', 1000]]);

    const stranger = client(env().app, (await env().workspace()).headers);
    assert.equal((await stranger.get('/api/v1/receivables')).body.items.length, 0);
    assert.equal((await stranger.get(`/api/v1/order-figures/${ids[0]}`)).body.amountDueMinor, 0, 'another workspace sees zeros, not our figures');
    assert.equal((await api.get('/api/v1/receivables?cursor=' + Buffer.from('["1; drop", "x"]').toString('base64url'))).status, 400);
  });
});
