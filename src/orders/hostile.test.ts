import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, createPerson, headersFor, order, product } from './test-fixtures.ts';

// Input a careless integration or a hostile caller sends to the order endpoints.
forEachEngine('Orders under hostile input', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId);
    const productId = await product(api, 'P', 1000);
    return { ws, api, db, contactId, productId };
  }

  it('refuses float, negative, huge and string prices and zero or fractional quantities', async () => {
    const { api, contactId } = await setup();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ sku: 'P', quantity: 1, unitPriceMinor: 9.99 }, 'lines.0.unitPriceMinor'],
      [{ sku: 'P', quantity: 1, unitPriceMinor: -100 }, 'lines.0.unitPriceMinor'],
      [{ sku: 'P', quantity: 1, unitPriceMinor: 1e300 }, 'lines.0.unitPriceMinor'],
      [{ sku: 'P', quantity: 1, unitPriceMinor: '1000' }, 'lines.0.unitPriceMinor'],
      [{ sku: 'P', quantity: 0 }, 'lines.0.quantity'],
      [{ sku: 'P', quantity: -2 }, 'lines.0.quantity'],
      [{ sku: 'P', quantity: 1.5 }, 'lines.0.quantity'],
      [{ sku: 'P', quantity: 10_000_000 }, 'lines.0.quantity'],
      [{ quantity: 1 }, 'lines.0.sku'],
    ];
    for (const [line, field] of cases) {
      const res = await api.post('/api/v1/orders', { contactId, lines: [line] });
      assert.equal(res.status, 400, JSON.stringify(line));
      assert.ok(res.body.error.fields[field], `${JSON.stringify(line)} -> ${JSON.stringify(res.body.error.fields)}`);
    }
  });

  it('refuses a total beyond the cap even when every line is within limits', async () => {
    const { api, contactId } = await setup();
    const res = await api.post('/api/v1/orders', { contactId, lines: [{ sku: 'P', quantity: 1_000_000, unitPriceMinor: 1_000_000_000_000 }] });
    assert.equal(res.status, 400);
    assert.ok(res.body.error.fields.lines);
  });

  it('names each unknown SKU or product in the error and stores nothing', async () => {
    const { ws, api, db, contactId } = await setup();
    const res = await api.post('/api/v1/orders', {
      contactId,
      lines: [{ sku: 'P', quantity: 1 }, { sku: 'NOPE', quantity: 1 }, { productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }],
    });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(res.body.error.fields).sort(), ['lines.1.sku', 'lines.2.productId']);
    const n = await db.selectFrom('orders').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(n.length, 0);
    const entries = await db.selectFrom('interactions').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(entries.length, 0, 'a refused order leaves no timeline entry');
  });

  it('treats a customer or product of another workspace as unknown', async () => {
    const { api, contactId, productId } = await setup();
    const other = await setup();
    assert.equal((await other.api.post('/api/v1/orders', { contactId, lines: [{ sku: 'P', quantity: 1 }] })).status, 404);
    const theirs = await other.api.post('/api/v1/orders', { contactId: other.contactId, lines: [{ productId, quantity: 1 }] });
    assert.equal(theirs.status, 400, 'our product id is unknown in their workspace');
    const o = await order(api, { contactId, lines: [{ sku: 'P', quantity: 1 }] });
    assert.equal((await other.api.get(`/api/v1/orders/${o.id}`)).status, 404);
    assert.equal((await other.api.get(`/api/v1/orders?contactId=${contactId}`)).body.items.length, 0);
    assert.equal((await other.api.post('/api/v1/payments', { orderId: o.id, amountMinor: 1 })).status, 404);
  });

  it('refuses an order with 5,000 lines', async () => {
    const { api, contactId } = await setup();
    const lines = Array.from({ length: 5000 }, () => ({ sku: 'P', quantity: 1 }));
    const res = await api.post('/api/v1/orders', { contactId, lines });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body.error.fields), /At most 1000 lines/);
    assert.equal((await api.post('/api/v1/orders', { contactId, lines: [] })).status, 400);
  });

  it('stores SQL-looking and script strings verbatim', async () => {
    const { api, contactId } = await setup();
    const sku = "P' OR '1'='1";
    await product(api, sku, 5);
    const name = '<script>alert("x")</script>';
    const ext = "1; DROP TABLE orders; --";
    const o = await order(api, { contactId, externalId: ext, lines: [{ sku, quantity: 1, name }] });
    const got = await api.get(`/api/v1/orders/${o.id}`);
    assert.deepEqual([got.body.externalId, got.body.lines[0].sku, got.body.lines[0].name], [ext, sku, name]);
    const filter = await api.get(`/api/v1/orders?contactId=${encodeURIComponent("' or 1=1 --")}`);
    assert.equal(filter.status, 400);
  });

  it('refuses malformed requests: bad types, unknown fields, oversized strings, bad dates', async () => {
    const { ws, api, contactId } = await setup();
    const line = [{ sku: 'P', quantity: 1 }];
    for (const body of [
      { contactId: 'not-a-uuid', lines: line },
      { contactId, lines: 'P x1' },
      { contactId, lines: line, status: 'shipped' },
      { contactId, lines: line, currency: 'EURO' },
      { contactId, lines: line, orderedAt: '31.12.2024' },
      { contactId, lines: line, externalId: 'x'.repeat(201) },
      { contactId, lines: [{ sku: 'P', quantity: 1, name: 'n'.repeat(501) }] },
      { contactId, lines: [{ sku: 'P', quantity: 1, colour: 'red' }] },
      { contactId, lines: line, contact: { email: 'a@b.test' } },
      { contact: { email: 'a@b.test', phone: '+358401234567' }, lines: line },
      { lines: line },
      null,
      [],
    ]) {
      const res = await api.post('/api/v1/orders', body);
      assert.equal(res.status, 400, JSON.stringify(body)?.slice(0, 120));
    }
    const huge = await env().app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...ws.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ contactId, lines: line, pad: 'x'.repeat(2_000_000) }),
    });
    assert.equal(huge.statusCode, 413);
  });

  it('lets no analyst or anonymous caller write, on every write endpoint', async () => {
    const { ws, api, db, contactId } = await setup();
    const o = await order(api, { contactId, lines: [{ sku: 'P', quantity: 1 }] });
    const d = await api.post(`/api/v1/orders/${o.id}/deliveries`, {});
    const c = await api.post('/api/v1/complaints', { contactId, subject: 's' });
    const writes: Array<['POST' | 'PATCH', string, unknown]> = [
      ['POST', '/api/v1/products', { sku: 'Z', name: 'Z', priceMinor: 1, currency: 'EUR' }],
      ['POST', '/api/v1/orders', { contactId, lines: [{ sku: 'P', quantity: 1 }] }],
      ['PATCH', `/api/v1/orders/${o.id}/status`, { status: 'delivered' }],
      ['POST', `/api/v1/orders/${o.id}/deliveries`, {}],
      ['PATCH', `/api/v1/deliveries/${d.body.id}`, { status: 'shipped' }],
      ['POST', '/api/v1/payments', { contactId, amountMinor: 1 }],
      ['POST', '/api/v1/complaints', { contactId, subject: 's' }],
      ['PATCH', `/api/v1/complaints/${c.body.id}`, { status: 'resolved' }],
    ];
    const analystHeaders = await headersFor(db, ws.workspaceId, 'analyst');
    for (const [method, url, payload] of writes) {
      const asAnalyst = await env().app.inject({ method, url, headers: analystHeaders, payload: payload as object });
      assert.equal(asAnalyst.statusCode, 403, `${method} ${url}`);
      const anonymous = await env().app.inject({ method, url, payload: payload as object });
      assert.equal(anonymous.statusCode, 401, `${method} ${url}`);
    }
    const marketer = client(env().app, await headersFor(db, ws.workspaceId, 'marketer'));
    assert.equal((await marketer.post('/api/v1/orders', { contactId, lines: [{ sku: 'P', quantity: 1 }] })).status, 201);
    const analyst = client(env().app, analystHeaders);
    for (const url of ['/api/v1/orders', `/api/v1/orders/${o.id}`, '/api/v1/payments', '/api/v1/complaints', '/api/v1/receivables', `/api/v1/order-figures/${contactId}`]) {
      assert.equal((await analyst.get(url)).status, 200, url);
    }
  });
});
