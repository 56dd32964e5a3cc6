import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { importCsv } from '../imports/test-helpers.ts';
import { client, createPerson, order, product, type Client } from './test-fixtures.ts';

forEachEngine('Orders keep product stock', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId);
    const tea = await product(api, 'TEA', 450, { stock: 10 });
    const cup = await product(api, 'CUP', 1200, { stock: 20 });
    const gift = await product(api, 'GIFT', 0);
    const place = (lines: unknown[], status = 'ordered', who = contactId) => order(api, { contactId: who, status, lines });
    const move = async (id: string, status: string) => {
      const r = await api.patch(`/api/v1/orders/${id}/status`, { status });
      assert.equal(r.status, 200, `${status}: ${JSON.stringify(r.body)}`);
    };
    return { ws, api, db, contactId, tea, cup, gift, place, move };
  }

  async function stock(api: Client, id: string): Promise<number | null> {
    const r = await api.get(`/api/v1/products/${id}`);
    assert.equal(r.status, 200);
    return r.body.stock;
  }

  it('placing an order takes its quantities out of stock, adding up lines of the same product', async () => {
    const { api, tea, cup, place } = await setup();
    const o = await place([
      { sku: 'TEA', quantity: 3 },
      { sku: 'TEA', quantity: 2, unitPriceMinor: 400 },
      { productId: cup, quantity: 1 },
    ]);
    assert.equal(o.movesStock, true);
    assert.deepEqual([await stock(api, tea), await stock(api, cup)], [5, 19]);
  });

  it('an inquiry holds nothing until it becomes an order, and an inquiry cancelled gives nothing back', async () => {
    const { api, tea, place, move } = await setup();
    const inquiry = await place([{ sku: 'TEA', quantity: 3 }], 'inquiry');
    assert.equal(await stock(api, tea), 10);
    await move(inquiry.id, 'ordered');
    assert.equal(await stock(api, tea), 7);

    const dropped = await place([{ sku: 'TEA', quantity: 4 }], 'inquiry');
    await move(dropped.id, 'cancelled');
    assert.equal(await stock(api, tea), 7);
  });

  it('cancelling an order gives its goods back', async () => {
    const { api, tea, cup, place, move } = await setup();
    const o = await place([{ sku: 'TEA', quantity: 3 }, { sku: 'CUP', quantity: 5 }]);
    assert.deepEqual([await stock(api, tea), await stock(api, cup)], [7, 15]);
    await move(o.id, 'cancelled');
    assert.deepEqual([await stock(api, tea), await stock(api, cup)], [10, 20]);
  });

  it('returned goods go back into stock; delivery and payment move nothing', async () => {
    const { api, tea, place, move } = await setup();
    const paid = await place([{ sku: 'TEA', quantity: 3 }]);
    await move(paid.id, 'delivered');
    await move(paid.id, 'paid');
    assert.equal(await stock(api, tea), 7);
    await move(paid.id, 'returned');
    assert.equal(await stock(api, tea), 10);

    const delivered = await place([{ sku: 'TEA', quantity: 2 }], 'delivered');
    assert.equal(await stock(api, tea), 8, 'an order recorded as already delivered holds its goods too');
    await move(delivered.id, 'returned');
    assert.equal(await stock(api, tea), 10);
  });

  it('leaves a status change refused by the life cycle without any stock change', async () => {
    const { api, tea, place, move } = await setup();
    const o = await place([{ sku: 'TEA', quantity: 3 }]);
    await move(o.id, 'cancelled');
    const again = await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'ordered' });
    assert.equal(again.status, 409);
    assert.equal(await stock(api, tea), 10);
  });

  it('keeps a product without tracked stock untracked', async () => {
    const { api, tea, gift, place, move } = await setup();
    const o = await place([{ sku: 'GIFT', quantity: 5 }, { sku: 'TEA', quantity: 1 }]);
    assert.deepEqual([await stock(api, gift), await stock(api, tea)], [null, 9]);
    await move(o.id, 'cancelled');
    assert.deepEqual([await stock(api, gift), await stock(api, tea)], [null, 10]);
  });

  it('counts both of two concurrent orders of the same product', async () => {
    const { ws, api, db, tea, place } = await setup();
    const [anna, ben] = await Promise.all([createPerson(db, ws.workspaceId), createPerson(db, ws.workspaceId)]);
    const [a, b] = await Promise.all([place([{ sku: 'TEA', quantity: 3 }], 'ordered', anna), place([{ sku: 'TEA', quantity: 4 }], 'ordered', ben)]);
    assert.ok(a.id && b.id);
    assert.equal(await stock(api, tea), 3);
  });

  it('counts every one of many concurrent orders naming the same products in opposite line order', async () => {
    const { ws, api, db, tea, cup, place, move } = await setup();
    const buyers = await Promise.all(Array.from({ length: 8 }, () => createPerson(db, ws.workspaceId)));
    const placed = await Promise.all(
      buyers.map((who, i) =>
        place(i % 2 ? [{ sku: 'TEA', quantity: 1 }, { sku: 'CUP', quantity: 2 }] : [{ sku: 'CUP', quantity: 2 }, { sku: 'TEA', quantity: 1 }], 'ordered', who),
      ),
    );
    assert.deepEqual([await stock(api, tea), await stock(api, cup)], [2, 4]);
    await Promise.all(placed.slice(0, 4).map((o) => move(o.id, 'cancelled')));
    assert.deepEqual([await stock(api, tea), await stock(api, cup)], [6, 12]);
  });

  it('accepts an order beyond stock and shows the product as oversold with a negative count', async () => {
    const { api, tea, place, move } = await setup();
    const o = await place([{ sku: 'TEA', quantity: 13 }]);
    assert.equal(o.status, 'ordered');
    assert.equal(await stock(api, tea), -3);
    const list = await api.get('/api/v1/products');
    assert.equal(list.body.items.find((p: any) => p.sku === 'TEA').stock, -3);

    // A count made on the shelf replaces the figure, oversold or not; a hand-entered count is never negative.
    assert.equal((await api.patch(`/api/v1/products/${tea}`, { stock: 5 })).body.stock, 5);
    const bad = await api.patch(`/api/v1/products/${tea}`, { stock: -3 });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.fields.stock);
    await move(o.id, 'cancelled');
    assert.equal(await stock(api, tea), 18);
  });

  it('refuses zero, negative, fractional, string and huge quantities with field errors and leaves stock alone', async () => {
    const { ws, api, db, contactId, tea } = await setup();
    for (const quantity of [0, -1, -1_000_000, 1.5, '3', 10_000_000, 1e300, null]) {
      const res = await api.post('/api/v1/orders', { contactId, lines: [{ sku: 'CUP', quantity: 1 }, { sku: 'TEA', quantity }] });
      assert.equal(res.status, 400, JSON.stringify(quantity));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(res.body.error.fields['lines.1.quantity'], `${quantity}: ${JSON.stringify(res.body.error.fields)}`);
    }
    // A line that fails in the service (unknown SKU) rolls back the stock already taken by the others.
    const unknown = await api.post('/api/v1/orders', { contactId, lines: [{ sku: 'TEA', quantity: 2 }, { sku: 'NOPE', quantity: 1 }] });
    assert.equal(unknown.status, 400);
    assert.ok(unknown.body.error.fields['lines.1.sku']);
    assert.equal(await stock(api, tea), 10);
    const orders = await db.selectFrom('orders').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(orders.length, 0);
  });

  it('refuses an order that would push a count past what the column holds, instead of failing with 500', async () => {
    const { ws, api, db, contactId, tea } = await setup();
    await db.updateTable('products').set({ stock: -2_147_483_000 }).where('workspace_id', '=', ws.workspaceId).where('id', '=', tea).execute();
    const res = await api.post('/api/v1/orders', { contactId, lines: [{ sku: 'CUP', quantity: 1 }, { sku: 'TEA', quantity: 1000 }] });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.ok(res.body.error.fields.lines);
    assert.equal(await stock(api, tea), -2_147_483_000);
    assert.equal(await stock(api, (await api.get('/api/v1/products')).body.items.find((p: any) => p.sku === 'CUP').id), 20);
  });

  it('imported historical orders leave stock alone, and so does cancelling one of them', async () => {
    const { ws, api, tea, move } = await setup();
    const csv = ['Order number,Ordered at,Status,Currency,Customer email,SKU,Quantity,Unit price (minor)', 'H-1,2023-05-01,ordered,EUR,old@example.com,TEA,4,450'].join('\n');
    const done = await importCsv(env(), ws, 'orders', csv);
    assert.equal(done.counts.created, 1);
    assert.equal(await stock(api, tea), 10);
    const imported = (await api.get('/api/v1/orders')).body.items.find((o: any) => o.externalId === 'H-1');
    assert.equal(imported.movesStock, false);
    await move(imported.id, 'cancelled');
    assert.equal(await stock(api, tea), 10, 'nothing was taken, so nothing comes back');
  });

  it('writes the order entries to the audit log and no separate entries for stock', async () => {
    const { ws, db, place, move } = await setup();
    const o = await place([{ sku: 'TEA', quantity: 3 }, { sku: 'CUP', quantity: 1 }]);
    await move(o.id, 'cancelled');
    const audit = await db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['order.create', 'order.status', 'product.create', 'product.create', 'product.create']);
  });
});
