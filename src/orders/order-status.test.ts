import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, createPerson, headersFor, order, product } from './test-fixtures.ts';

forEachEngine('Order status', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const contactId = await createPerson(env().engine.db, ws.workspaceId);
    await product(api, 'P', 1000);
    const place = (status = 'ordered') => order(api, { contactId, status, lines: [{ sku: 'P', quantity: 1 }] });
    return { ws, api, contactId, place };
  }

  it('walks an order from inquiry to paid, one allowed step at a time', async () => {
    const { api, place } = await setup();
    const o = await place('inquiry');
    for (const status of ['ordered', 'delivered', 'paid', 'returned']) {
      const res = await api.patch(`/api/v1/orders/${o.id}/status`, { status });
      assert.equal(res.status, 200, `${status}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, status);
    }
  });

  it('refuses a skipped or backward step with 409 and names the allowed next states', async () => {
    const { api, place } = await setup();
    const o = await place('ordered');
    const skip = await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'paid' });
    assert.equal(skip.status, 409);
    assert.deepEqual(skip.body.error.fields.allowedNext, ['delivered', 'cancelled']);
    assert.match(skip.body.error.message, /delivered, cancelled/);
    assert.equal((await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'ordered' })).status, 409, 'same status is not a step');
    assert.equal((await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'returned' })).status, 409, 'nothing to return before delivery');
    assert.equal((await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'inquiry' })).status, 409);
  });

  it('treats cancelled and returned as final', async () => {
    const { api, place } = await setup();
    const o = await place('ordered');
    assert.equal((await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'cancelled' })).status, 200);
    const again = await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'ordered' });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body.error.fields.allowedNext, []);
    const d = await place('delivered');
    assert.equal((await api.patch(`/api/v1/orders/${d.id}/status`, { status: 'cancelled' })).status, 409, 'delivered goods are returned, not cancelled');
    assert.equal((await api.patch(`/api/v1/orders/${d.id}/status`, { status: 'returned' })).status, 200);
    assert.equal((await api.patch(`/api/v1/orders/${d.id}/status`, { status: 'paid' })).status, 409);
  });

  it('writes each change to the timeline and the audit log with before and after', async () => {
    const { ws, api, contactId, place } = await setup();
    const o = await place('ordered');
    await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'delivered' });
    const db = env().engine.db;
    const entries = await db.selectFrom('interactions').selectAll().where('contact_id', '=', contactId).where('type', '=', 'order.delivered').execute();
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.summary, /ordered → delivered/);
    assert.equal(entries[0]!.ref_id, o.id);
    const audit = await db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ws.workspaceId).where('action', '=', 'order.status').executeTakeFirstOrThrow();
    assert.deepEqual([audit.before, audit.after], [{ status: 'ordered' }, { status: 'delivered' }]);
  });

  it('leaves the status alone when the change is refused, and refuses strangers and analysts', async () => {
    const { ws, api, place } = await setup();
    const o = await place('ordered');
    const analyst = client(env().app, await headersFor(env().engine.db, ws.workspaceId, 'analyst'));
    assert.equal((await analyst.patch(`/api/v1/orders/${o.id}/status`, { status: 'delivered' })).status, 403);
    const stranger = client(env().app, (await env().workspace()).headers);
    assert.equal((await stranger.patch(`/api/v1/orders/${o.id}/status`, { status: 'delivered' })).status, 404);
    assert.equal((await stranger.get(`/api/v1/orders/${o.id}`)).status, 404);
    assert.equal((await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'shipped' })).status, 400);
    assert.equal((await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'delivered', note: 'x' })).status, 400);
    assert.equal((await api.get(`/api/v1/orders/${o.id}`)).body.status, 'ordered');
  });
});
