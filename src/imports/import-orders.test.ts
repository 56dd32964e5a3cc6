import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { forEachEngine, type TestEnv, type TestWorkspace } from '../../test/support/harness.ts';
import { suggestMapping } from './mapping.ts';
import { importCsv, people, rejectionsCsv, upload } from './test-helpers.ts';

const ORDERS = [
  'Order number,Ordered at,Status,Currency,Customer email,Customer phone,SKU,Product,Quantity,Unit price (minor)',
  '1001,2024-03-01,paid,EUR,anna@example.com,,COF-1,Coffee 500 g,2,1290',
  '1001,2024-03-01,paid,EUR,anna@example.com,,MUG-1,Mug,1,900',
  '1002,2024-04-01T10:30:00+03:00,ordered,EUR,,+358 40 765 4321,COF-1,Coffee 500 g,1,1290',
  '1003,2024-05-01,lost-in-space,EUR,anna@example.com,,COF-1,,1,1290',
  '1004,2024-02-30,paid,EUR,anna@example.com,,COF-1,,1,1290',
  '1005,2024-05-02,paid,EUR,not-an-email,,COF-1,,1,1290',
  '1006,2024-05-03,paid,EUR,anna@example.com,,COF-1,,1,12.90',
].join('\n');

forEachEngine('CSV import of orders', (env) => {
  it('groups lines into orders, finds or creates the customer, and rejects bad status, date, e-mail and price', async () => {
    const ws = await env().workspace();
    // The phone customer exists already; the e-mail customer does not.
    await importCsv(env(), ws, 'people', 'First name,Last name,Phone\nPekka,Korhonen,040 765 4321\n');
    const done = await importCsv(env(), ws, 'orders', ORDERS);
    assert.equal(done.counts.created, 2);
    assert.equal(done.counts.rejected, 4);
    assert.equal(done.counts.customersCreated, 1);
    assert.equal(done.counts.productsCreated, 2);

    const orders = await env()
      .engine.db.selectFrom('orders')
      .innerJoin('contacts', 'contacts.id', 'orders.contact_id')
      .select(['orders.external_id', 'orders.status', 'orders.total_minor', 'orders.ordered_at', 'contacts.name', 'contacts.emails'])
      .where('orders.workspace_id', '=', ws.workspaceId)
      .orderBy('orders.external_id')
      .execute();
    assert.equal(orders.length, 2);
    assert.equal(Number(orders[0].total_minor), 2 * 1290 + 900);
    assert.deepEqual(orders[0].emails, ['anna@example.com']);
    assert.equal(orders[0].name, 'anna@example.com', 'a customer known only by e-mail is named by it');
    assert.equal(orders[1].name, 'Pekka Korhonen');
    assert.equal(new Date(orders[1].ordered_at).toISOString(), '2024-04-01T07:30:00.000Z');

    const report: string[][] = parse(await rejectionsCsv(env(), ws, done.id), { bom: true });
    const reasons = new Map(report.slice(1).map(([line, reason]) => [Number(line), reason]));
    assert.match(reasons.get(5)!, /Unknown status "lost-in-space"/);
    assert.match(reasons.get(6)!, /Order date/);
    assert.match(reasons.get(7)!, /e-mail/);
    assert.match(reasons.get(8)!, /whole number of minor units/);

    const timeline = await env().engine.db.selectFrom('interactions').select(['type', 'ref_type']).where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(timeline.filter((t) => t.type === 'order.placed' && t.ref_type === 'order').length, 2);
  });

  it('importing the same orders again changes nothing; a changed status updates the order', async () => {
    const ws = await env().workspace();
    await importCsv(env(), ws, 'orders', ORDERS);
    const again = await importCsv(env(), ws, 'orders', ORDERS);
    assert.equal(again.counts.created, 0);
    assert.equal(again.counts.updated, 0);
    assert.equal(again.counts.unchanged, 2);
    assert.equal(again.counts.customersCreated, 0);
    const changed = await importCsv(env(), ws, 'orders', ORDERS.replace('1002,2024-04-01T10:30:00+03:00,ordered', '1002,2024-04-01T10:30:00+03:00,delivered'));
    assert.equal(changed.counts.updated, 1);
    assert.equal(changed.counts.unchanged, 1);
    const lines = await env().engine.db.selectFrom('order_lines').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(lines.length, 3);
    assert.equal((await people(env(), ws.workspaceId)).length, 2);
  });

  it('keeps the order figures of the customer current after the import', async () => {
    const ws = await env().workspace();
    await importCsv(env(), ws, 'orders', ORDERS);
    const stats = await env()
      .engine.db.selectFrom('contact_order_stats')
      .innerJoin('contacts', 'contacts.id', 'contact_order_stats.contact_id')
      .select(['contact_order_stats.order_count', 'contact_order_stats.total_minor', 'contacts.emails'])
      .where('contact_order_stats.workspace_id', '=', ws.workspaceId)
      .execute();
    const anna = stats.find((s) => s.emails.includes('anna@example.com'));
    assert.ok(anna, 'figures exist for the customer');
    assert.equal(Number(anna.order_count), 1);
    assert.equal(Number(anna.total_minor), 3480);
  });
});

// Due dates (docs/decisions/0025-payment-reliability.md): a column read like the order date, in the
// workspace's local form too; empty means the workspace's payment terms (14 days by default).

// Anna's orders: D1 due 31.1.2025 by its own date, D3 on terms (20.1 + 14 days = 3.2.2025).
const DUE = [
  'Order number;Ordered at;Eräpäivä;Status;Customer email;SKU;Quantity;Unit price (minor)',
  'D1;10.1.2025;31.1.2025;ordered;anna@example.fi;TEA;1;1000',
  'D1;10.1.2025;;ordered;anna@example.fi;MUG;1;500', // a later line of D1: the first line gives the due date
  'D2;2025-01-15T09:00:00+02:00;2025-02-20T12:00:00+02:00;ordered;bo@example.fi;TEA;1;1000',
  'D3;20.1.2025;;ordered;anna@example.fi;TEA;2;1000',
  'D6;1.3.2025 14:30;1.3.2025;ordered;cai@example.fi;TEA;1;1000', // due on the order's own day: pay on the day
  'D4;20.1.2025;31.2.2025;ordered;anna@example.fi;TEA;1;1000',
  'D5;20.1.2025;19.1.2025;ordered;anna@example.fi;TEA;1;1000',
].join('\r\n');

async function orderByNumber(env: TestEnv, ws: TestWorkspace, externalId: string) {
  const row = await env.engine.db.selectFrom('orders').select('id').where('workspace_id', '=', ws.workspaceId).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/orders/${row.id}`, headers: ws.headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { dueAt: string | null; orderedAt: string; contactId: string };
}

async function paymentFigures(env: TestEnv, ws: TestWorkspace, contactId: string) {
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/order-figures/${contactId}`, headers: ws.headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().payments as { oldestUnpaidDueAt: string | null; paymentTermsDays: number };
}

it('maps the natural due-date headers of each offered language, also when saved decomposed', () => {
  for (const h of ['Due date', 'Due', 'Payment due', 'Eräpäivä', 'Eräpäivä'.normalize('NFD'), 'Forfallsdato', 'Forfall', 'Срок оплаты', 'Оплатить до']) {
    assert.equal(suggestMapping('orders', ['Order number', 'Ordered at', h])[h], 'dueAt', h);
  }
});

forEachEngine('CSV import of order due dates', (env) => {
  it('reads ISO and local due dates, rejects unreadable ones and those before the order date, and re-imports as no change', async () => {
    const ws = await env().workspace(); // Finland: day first
    const up = await upload(env(), ws, 'orders', DUE);
    assert.equal(up.json().suggestedMapping['Eräpäivä'], 'dueAt');
    const done = await importCsv(env(), ws, 'orders', DUE);
    assert.equal(done.counts.created, 4, JSON.stringify(done));
    assert.equal(done.counts.rejected, 2);

    assert.equal((await orderByNumber(env(), ws, 'D1')).dueAt, '2025-01-31T00:00:00.000Z');
    assert.equal((await orderByNumber(env(), ws, 'D2')).dueAt, '2025-02-20T10:00:00.000Z');
    assert.equal((await orderByNumber(env(), ws, 'D3')).dueAt, null, 'an empty cell leaves the order on the terms');
    assert.equal((await orderByNumber(env(), ws, 'D6')).dueAt, '2025-03-01T00:00:00.000Z');

    const report: string[][] = parse(await rejectionsCsv(env(), ws, done.id), { bom: true });
    const reasons = new Map(report.slice(1).map(([line, reason]) => [Number(line), reason]));
    assert.deepEqual([...reasons.keys()].sort(), [7, 8]);
    assert.match(reasons.get(7)!, /^Due date must be a date \(1980-12-31 or 31\.12\.1980\).*got 31\.2\.2025$/);
    assert.equal(reasons.get(8), 'The due date is before the order date');

    const again = await importCsv(env(), ws, 'orders', DUE);
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged], [0, 0, 4]);
  });

  it("moves the customer's oldest unpaid due date with the imported one, and back to the terms when emptied", async () => {
    const ws = await env().workspace();
    await importCsv(env(), ws, 'orders', DUE);
    const { contactId } = await orderByNumber(env(), ws, 'D1');
    assert.equal((await paymentFigures(env(), ws, contactId)).oldestUnpaidDueAt, '2025-01-31T00:00:00.000Z');

    const later = await importCsv(env(), ws, 'orders', DUE.replace('10.1.2025;31.1.2025', '10.1.2025;5.2.2025'));
    assert.deepEqual([later.counts.created, later.counts.updated, later.counts.unchanged], [0, 1, 3]);
    assert.equal((await orderByNumber(env(), ws, 'D1')).dueAt, '2025-02-05T00:00:00.000Z');
    assert.equal((await paymentFigures(env(), ws, contactId)).oldestUnpaidDueAt, '2025-02-03T00:00:00.000Z', 'D3 on 14-day terms is now the oldest');

    const emptied = await importCsv(env(), ws, 'orders', DUE.replace('10.1.2025;31.1.2025', '10.1.2025;'));
    assert.equal(emptied.counts.updated, 1);
    assert.equal((await orderByNumber(env(), ws, 'D1')).dueAt, null);
    assert.equal((await paymentFigures(env(), ws, contactId)).oldestUnpaidDueAt, '2025-01-24T00:00:00.000Z', '10.1 + 14 days');
  });

  it('a file without a due-date column leaves the due date an order already has', async () => {
    const ws = await env().workspace();
    await importCsv(env(), ws, 'orders', DUE);
    const withoutDue = DUE.split('\r\n')
      .map((l) => l.split(';').filter((_, i) => i !== 2).join(';'))
      .join('\r\n');
    const again = await importCsv(env(), ws, 'orders', withoutDue);
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged, again.counts.rejected], [2, 0, 4, 0], 'D4 and D5 come in without their bad due dates');
    assert.equal((await orderByNumber(env(), ws, 'D1')).dueAt, '2025-01-31T00:00:00.000Z');
    assert.equal((await orderByNumber(env(), ws, 'D2')).dueAt, '2025-02-20T10:00:00.000Z');
    assert.equal((await orderByNumber(env(), ws, 'D4')).dueAt, null);
  });
});
