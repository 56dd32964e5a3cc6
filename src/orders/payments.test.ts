import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, createPerson, headersFor, order, product } from './test-fixtures.ts';

forEachEngine('Payments and deliveries', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId, { name: 'Payer' });
    await product(api, 'P', 1000);
    const o = await order(api, { contactId, externalId: 'O-1', lines: [{ sku: 'P', quantity: 3 }] });
    return { ws, api, db, contactId, o };
  }

  it('records a payment against a customer or an order and lowers the amount due', async () => {
    const { api, contactId, o } = await setup();
    const p1 = await api.post('/api/v1/payments', { orderId: o.id, amountMinor: 1000, method: 'card', externalId: 'PAY-1' });
    assert.equal(p1.status, 201);
    assert.deepEqual([p1.body.contactId, p1.body.orderId, p1.body.currency], [contactId, o.id, 'EUR']);
    const p2 = await api.post('/api/v1/payments', { contactId, amountMinor: 500, paidAt: '2025-03-01T12:00:00Z' });
    assert.equal(p2.status, 201);
    assert.equal(p2.body.orderId, null);
    const figures = await api.get(`/api/v1/order-figures/${contactId}`);
    assert.equal(figures.body.amountDueMinor, 3000 - 1500);
    const list = await api.get(`/api/v1/payments?contactId=${contactId}`);
    assert.deepEqual(list.body.items.map((p: any) => p.amountMinor), [1000, 500]);
  });

  it('records a retried payment notification only once', async () => {
    const { api, contactId } = await setup();
    assert.equal((await api.post('/api/v1/payments', { contactId, amountMinor: 100, externalId: 'psp-1' })).status, 201);
    const again = await api.post('/api/v1/payments', { contactId, amountMinor: 100, externalId: 'psp-1' });
    assert.equal(again.status, 409);
    assert.equal((await api.get(`/api/v1/order-figures/${contactId}`)).body.amountDueMinor, 2900);
  });

  it('refuses zero, negative, float, huge and string amounts and mismatched customers', async () => {
    const { ws, api, db, contactId, o } = await setup();
    for (const amountMinor of [0, -5, 1.5, 1e20, '100', null]) {
      const res = await api.post('/api/v1/payments', { contactId, amountMinor });
      assert.equal(res.status, 400, String(amountMinor));
    }
    assert.equal((await api.post('/api/v1/payments', { amountMinor: 10 })).status, 400, 'names nobody');
    const someoneElse = await createPerson(db, ws.workspaceId);
    const mismatch = await api.post('/api/v1/payments', { contactId: someoneElse, orderId: o.id, amountMinor: 10 });
    assert.equal(mismatch.status, 400);
    assert.ok(mismatch.body.error.fields.orderId);
    assert.equal((await api.post('/api/v1/payments', { contactId, amountMinor: 10, currency: 'eur' })).status, 400);
    assert.equal((await api.post('/api/v1/payments', { contactId, amountMinor: 10, paidAt: 'yesterday' })).status, 400);
  });

  it('cannot pay for, or as, a customer of another workspace', async () => {
    const { ws, contactId, o } = await setup();
    const stranger = client(env().app, (await env().workspace()).headers);
    assert.equal((await stranger.post('/api/v1/payments', { contactId, amountMinor: 10 })).status, 404);
    assert.equal((await stranger.post('/api/v1/payments', { orderId: o.id, amountMinor: 10 })).status, 404);
    assert.equal((await stranger.get(`/api/v1/payments?contactId=${contactId}`)).body.items.length, 0);
    const analyst = client(env().app, await headersFor(env().engine.db, ws.workspaceId, 'analyst'));
    assert.equal((await analyst.post('/api/v1/payments', { contactId, amountMinor: 10 })).status, 403);
  });

  it('puts payments on the timeline with the order linked', async () => {
    const { db, api, contactId, o } = await setup();
    const p = await api.post('/api/v1/payments', { orderId: o.id, amountMinor: 1234, method: 'bank transfer' });
    const entry = await db.selectFrom('interactions').selectAll().where('contact_id', '=', contactId).where('channel', '=', 'payment').executeTakeFirstOrThrow();
    assert.equal(entry.type, 'payment.received');
    assert.deepEqual([entry.ref_type, entry.ref_id], ['payment', p.body.id]);
    assert.equal(entry.summary, 'Payment of 12.34 EUR received by bank transfer for order #O-1');
    assert.deepEqual(entry.linked, [{ type: 'order', id: o.id }]);
  });

  it('tracks deliveries and puts a delivery problem on the timeline', async () => {
    const { ws, db, api, contactId, o } = await setup();
    const d = await api.post(`/api/v1/orders/${o.id}/deliveries`, { carrier: 'Posti' });
    assert.equal(d.status, 201);
    assert.equal(d.body.status, 'pending');
    const shipped = await api.patch(`/api/v1/deliveries/${d.body.id}`, { status: 'shipped', trackingCode: 'JJ1' });
    assert.equal(shipped.status, 200);
    assert.ok(shipped.body.shippedAt);
    const failed = await api.patch(`/api/v1/deliveries/${d.body.id}`, { status: 'failed', problem: 'Address not found' });
    assert.equal(failed.body.problem, 'Address not found');
    const types = (await db.selectFrom('interactions').select(['type', 'summary']).where('contact_id', '=', contactId).where('channel', '=', 'delivery').orderBy('id').execute());
    assert.deepEqual(types.map((t) => t.type), ['delivery.pending', 'delivery.shipped', 'delivery.problem']);
    assert.equal(types[2]!.summary, 'Delivery problem on order #O-1: Address not found');
    const audit = await db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).where('entity', '=', 'delivery').execute();
    assert.equal(audit.length, 3);

    assert.equal((await api.patch(`/api/v1/deliveries/${d.body.id}`, { status: 'lost' })).status, 400);
    assert.equal((await api.patch(`/api/v1/deliveries/${d.body.id}`, {})).status, 400);
    const stranger = client(env().app, (await env().workspace()).headers);
    assert.equal((await stranger.patch(`/api/v1/deliveries/${d.body.id}`, { status: 'delivered' })).status, 404);
    assert.equal((await stranger.post(`/api/v1/orders/${o.id}/deliveries`, {})).status, 404);
    const analyst = client(env().app, await headersFor(db, ws.workspaceId, 'analyst'));
    assert.equal((await analyst.patch(`/api/v1/deliveries/${d.body.id}`, { status: 'delivered' })).status, 403);
  });
});
