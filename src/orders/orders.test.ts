import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, createPerson, order, product } from './test-fixtures.ts';

forEachEngine('Orders', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId, {
      name: 'Aino Virtanen',
      email: 'aino@example.test',
      phone: '+358401234567',
      externalId: 'shop:42',
    });
    const tea = await product(api, 'TEA', 450);
    const cup = await product(api, 'CUP', 1200);
    return { ws, api, db, contactId, tea, cup };
  }

  it('computes the total from the lines, pricing from the catalogue unless a price is given', async () => {
    const { api, contactId, tea } = await setup();
    const o = await order(api, {
      contactId,
      externalId: 'A-1',
      lines: [
        { productId: tea, quantity: 3 },
        { sku: 'CUP', quantity: 2, unitPriceMinor: 1000, name: 'Cup (sale)' },
      ],
    });
    assert.equal(o.totalMinor, 3 * 450 + 2 * 1000);
    assert.equal(o.status, 'ordered');
    assert.equal(o.currency, 'EUR');
    assert.equal(o.lines.length, 2);
    const cupLine = o.lines.find((l: any) => l.sku === 'CUP');
    assert.deepEqual([cupLine.name, cupLine.unitPriceMinor, cupLine.lineTotalMinor], ['Cup (sale)', 1000, 2000]);
    assert.deepEqual(o.allowedNextStatuses, ['delivered', 'cancelled']);
  });

  it('ignores a total sent by the client', async () => {
    const { api, contactId, tea } = await setup();
    const res = await api.post('/api/v1/orders', { contactId, totalMinor: 1, lines: [{ productId: tea, quantity: 1 }] });
    assert.equal(res.status, 400, 'unknown fields are refused rather than silently trusted');
  });

  it('finds the customer by e-mail, phone or shop id, normalising as the contact API does', async () => {
    const { api, contactId } = await setup();
    const byEmail = await order(api, { contact: { email: '  AINO@Example.test ' }, lines: [{ sku: 'TEA', quantity: 1 }] });
    const byPhone = await order(api, { contact: { phone: '040 1234567' }, lines: [{ sku: 'TEA', quantity: 1 }] });
    const byExternal = await order(api, { contact: { externalId: 'shop:42' }, lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.deepEqual([byEmail.contactId, byPhone.contactId, byExternal.contactId], [contactId, contactId, contactId]);

    const unknown = await api.post('/api/v1/orders', { contact: { email: 'nobody@example.test' }, lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(unknown.status, 404);
    const malformed = await api.post('/api/v1/orders', { contact: { email: 'not an email' }, lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(malformed.status, 400);
    const both = await api.post('/api/v1/orders', { contactId, contact: { email: 'aino@example.test' }, lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(both.status, 400);
  });

  it('records a retried shop order only once (externalId is unique per workspace)', async () => {
    const { ws, api, db, contactId } = await setup();
    await order(api, { contactId, externalId: 'SHOP-77', lines: [{ sku: 'TEA', quantity: 1 }] });
    const again = await api.post('/api/v1/orders', { contactId, externalId: 'SHOP-77', lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(again.status, 409);
    assert.ok(again.body.error.fields.externalId);
    const count = await db.selectFrom('orders').select(db.fn.countAll().as('n')).where('workspace_id', '=', ws.workspaceId).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);

    const other = await env().workspace();
    const otherApi = client(env().app, other.headers);
    const otherContact = await createPerson(db, other.workspaceId);
    await product(otherApi, 'TEA', 1);
    await order(otherApi, { contactId: otherContact, externalId: 'SHOP-77', lines: [{ sku: 'TEA', quantity: 1 }] });
  });

  it('defaults the currency to the workspace currency and refuses catalogue prices in another currency', async () => {
    const { api, contactId, tea } = await setup();
    const sek = await api.post('/api/v1/orders', { contactId, currency: 'SEK', lines: [{ productId: tea, quantity: 1 }] });
    assert.equal(sek.status, 400);
    assert.ok(sek.body.error.fields['lines.0.unitPriceMinor']);
    const priced = await order(api, { contactId, currency: 'SEK', lines: [{ productId: tea, quantity: 1, unitPriceMinor: 5000 }] });
    assert.equal(priced.currency, 'SEK');
    assert.equal(priced.totalMinor, 5000);
  });

  it('shows an order with its lines, payments and deliveries', async () => {
    const { api, contactId, tea } = await setup();
    const o = await order(api, { contactId, lines: [{ productId: tea, quantity: 2 }] });
    assert.equal((await api.post('/api/v1/payments', { orderId: o.id, amountMinor: 900, method: 'card' })).status, 201);
    assert.equal((await api.post(`/api/v1/orders/${o.id}/deliveries`, { status: 'shipped', carrier: 'Posti', trackingCode: 'JJFI1' })).status, 201);
    const got = await api.get(`/api/v1/orders/${o.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.lines.length, 1);
    assert.equal(got.body.payments[0].amountMinor, 900);
    assert.equal(got.body.deliveries[0].carrier, 'Posti');
    assert.ok(got.body.deliveries[0].shippedAt, 'shipping sets the shipped time');
  });

  it('lists orders newest first, by customer and status, page by page', async () => {
    const { ws, api, db, contactId } = await setup();
    const other = await createPerson(db, ws.workspaceId, { name: 'Other' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const o = await order(api, { contactId, orderedAt: `2024-0${i + 1}-15T10:00:00.123456Z`, lines: [{ sku: 'TEA', quantity: 1 }] });
      ids.push(o.id);
    }
    // Same instant as the newest: the id breaks the tie so neither is skipped nor repeated.
    const twin = await order(api, { contactId, orderedAt: '2024-05-15T10:00:00.123456Z', lines: [{ sku: 'TEA', quantity: 1 }] });
    await order(api, { contactId: other, lines: [{ sku: 'TEA', quantity: 1 }] });
    await order(api, { contactId, status: 'inquiry', orderedAt: '2023-01-01T00:00:00Z', lines: [{ sku: 'TEA', quantity: 1 }] });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`/api/v1/orders?contactId=${contactId}&status=ordered&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((o: any) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
    assert.deepEqual(seen.slice(2).reverse(), ids.slice(0, 4));
    assert.ok(seen.slice(0, 2).includes(twin.id) && seen.slice(0, 2).includes(ids[4]!));

    const inquiries = await api.get(`/api/v1/orders?status=inquiry`);
    assert.equal(inquiries.body.items.length, 1);
    const all = await api.get(`/api/v1/orders?limit=200`);
    assert.equal(all.body.items.length, 8);
    assert.equal((await api.get('/api/v1/orders?status=lost')).status, 400);
    assert.equal((await api.get('/api/v1/orders?limit=0')).status, 400);
    assert.equal((await api.get('/api/v1/orders?cursor=' + Buffer.from('["x","y"]').toString('base64url'))).status, 400);
  });

  it('puts every order on the customer timeline and in the audit log', async () => {
    const { ws, api, db, contactId } = await setup();
    const o = await order(api, { contactId, externalId: 'T-9', lines: [{ sku: 'TEA', quantity: 2 }] });
    const entries = await db.selectFrom('interactions').selectAll().where('workspace_id', '=', ws.workspaceId).where('contact_id', '=', contactId).execute();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.channel, 'order');
    assert.equal(entries[0]!.type, 'order.placed');
    assert.deepEqual([entries[0]!.ref_type, entries[0]!.ref_id], ['order', o.id]);
    assert.match(entries[0]!.summary, /#T-9: 2 items, 9\.00 EUR/);
    const audit = await db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ws.workspaceId).where('entity', '=', 'order').execute();
    assert.deepEqual(audit.map((a) => [a.action, a.entity_id]), [['order.create', o.id]]);
  });

  it('follows a merged-away contact to the surviving record', async () => {
    const { ws, api, db, contactId } = await setup();
    const old = await createPerson(db, ws.workspaceId, { name: 'Old duplicate' });
    await db.updateTable('contacts').set({ merged_into: contactId }).where('id', '=', old).execute();
    const o = await order(api, { contactId: old, lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(o.contactId, contactId);
    const gone = await createPerson(db, ws.workspaceId, { name: 'Deleted' });
    await db.updateTable('contacts').set({ deleted_at: new Date() }).where('id', '=', gone).execute();
    assert.equal((await api.post('/api/v1/orders', { contactId: gone, lines: [{ sku: 'TEA', quantity: 1 }] })).status, 404);
  });
});
