import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { forEachEngine } from '../../test/support/harness.ts';
import { importCsv, people, rejectionsCsv } from './test-helpers.ts';

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
