import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { forEachEngine, type TestEnv, type TestWorkspace } from '../../test/support/harness.ts';
import { client, order } from '../orders/test-fixtures.ts';
import { runExportCommand, runImportCommand } from './cli.ts';
import { contactByEmail, importCsv, PAYMENTS, PEOPLE, rejectionsCsv, shop } from './test-helpers.ts';

// Payments export → import round trips, hostile files, and the CLI (docs/decisions/0004, "Payments").

async function exported(env: TestEnv, ws: TestWorkspace, file: string, query = ''): Promise<string> {
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/exports/${file}${query}`, headers: ws.headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.body;
}

/** Each payment as the shop knows it: its id (Rapport's where it has none), amount, time, order, payer. */
async function book(env: TestEnv, ws: TestWorkspace) {
  const rows = await env.engine.db
    .selectFrom('payments as p')
    .innerJoin('contacts as c', 'c.id', 'p.contact_id')
    .leftJoin('orders as o', 'o.id', 'p.order_id')
    .select(['p.id', 'p.external_id', 'p.amount_minor', 'p.currency', 'p.method', 'p.paid_at', 'o.id as order_id', 'o.external_id as order_number', 'c.emails'])
    .where('p.workspace_id', '=', ws.workspaceId)
    .execute();
  return rows
    .map((p) =>
      JSON.stringify([
        p.external_id ?? p.id, Number(p.amount_minor), p.currency, p.method, new Date(p.paid_at).toISOString(),
        p.order_id === null ? null : (p.order_number ?? p.order_id), p.emails[0],
      ]),
    )
    .sort();
}

forEachEngine('CSV export and import of payments', (env) => {
  it('migration 0026 lets imports be of payments', async () => {
    const r = await sql<{ def: string }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'imports_kind_check'`.execute(env().engine.db);
    assert.equal(r.rows.length, 1);
    assert.match(r.rows[0].def, /'payments'/);
  });

  it('exports with headers the importer maps, and re-imports as no change here and as the same payments elsewhere', async () => {
    const a = await env().workspace();
    await shop(env(), a);
    await importCsv(env(), a, 'payments', PAYMENTS);
    // Through the API: an order without a number, and payments without ids, one to the microsecond.
    const api = client(env().app, a.headers);
    const aino = await contactByEmail(env(), a, 'aino@example.fi');
    const o = await order(api, { contactId: aino, orderedAt: '2025-05-10T08:00:00Z', lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal((await api.post('/api/v1/payments', { orderId: o.id, amountMinor: 1000, paidAt: '2025-05-11T09:00:00.123456Z', method: 'MobilePay' })).status, 201);
    assert.equal((await api.post('/api/v1/payments', { contactId: aino, amountMinor: 250, currency: 'SEK', paidAt: '2025-05-12T00:00:00Z' })).status, 201);

    const csv = await exported(env(), a, 'payments.csv');
    const rows: string[][] = parse(csv, { bom: true });
    assert.deepEqual(rows[0], ['Payment id', 'Paid at', 'Amount (minor)', 'Currency', 'Method', 'Order number', 'Customer email', 'Customer phone', 'Customer ID']);
    assert.equal(rows.length, 1 + 7);
    assert.deepEqual(rows[1], ['P1', '2025-03-10T00:00:00.000Z', '1000', 'EUR', 'card', 'A1', 'aino@example.fi', "'+358401112222", 'csv:C-1']);
    assert.equal(rows.find((r) => r[4] === 'MobilePay')![5], o.id, 'an order without a number is written with its id');

    const same = await importCsv(env(), a, 'payments', csv);
    assert.deepEqual([same.counts.created, same.counts.updated, same.counts.unchanged, same.counts.rejected], [0, 0, 7, 0], JSON.stringify(same));

    // Another workspace with the same customers and orders (the orders export carries the API order too).
    const b = await env().workspace();
    await importCsv(env(), b, 'people', PEOPLE);
    assert.equal((await importCsv(env(), b, 'orders', await exported(env(), a, 'orders.csv'))).counts.created, 5);
    const moved = await importCsv(env(), b, 'payments', csv);
    assert.deepEqual([moved.counts.created, moved.counts.rejected], [7, 0], JSON.stringify(moved));
    assert.deepEqual(await book(env(), b), await book(env(), a));
    const again = await importCsv(env(), b, 'payments', await exported(env(), b, 'payments.csv', '?delimiter=semicolon'));
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged], [0, 0, 7]);

    const figures = async (ws: TestWorkspace) => {
      const res = await env().app.inject({ method: 'GET', url: `/api/v1/order-figures/${await contactByEmail(env(), ws, 'aino@example.fi')}`, headers: ws.headers });
      const f = res.json();
      return [f.amountDueMinor, f.payments.settledOrders, f.payments.lateOrders];
    };
    assert.deepEqual(await figures(b), await figures(a));
  });

  it('stores formula cells as text and exports them neutralised; refuses huge amounts and overlong text with short reasons', async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    const file = [
      'Payment id,Paid at,Amount (minor),Method,Customer email,Order number',
      '@SUM(A1),2025-06-01,1000000000000,"=HYPERLINK(""http://evil.example"",""x"")",aino@example.fi,',
      'H2,2025-06-01,1000000000001,,aino@example.fi,',
      `H3,2025-06-01,${'9'.repeat(5000)},,aino@example.fi,`,
      `H4,2025-06-01,100,${'m'.repeat(201)},aino@example.fi,`,
      `${'p'.repeat(5000)},2025-06-01,100,,aino@example.fi,`,
      `H6,2025-06-01,100,,,${'o'.repeat(300)}`,
      'H7,2025-06-01,1e3,,aino@example.fi,',
      `H8,=NOW()${'x'.repeat(5000)},100,,aino@example.fi,`,
      `H9,2025-06-01,100,,,${'q'.repeat(200)}`,
    ].join('\n');
    const done = await importCsv(env(), ws, 'payments', file);
    assert.deepEqual([done.counts.created, done.counts.rejected], [1, 8], JSON.stringify(done));
    const report: string[][] = parse(await rejectionsCsv(env(), ws, done.id), { bom: true });
    const reasons = new Map(report.slice(1).map(([line, reason]) => [Number(line), reason]));
    assert.equal(reasons.get(3), 'Amount above the limit of 1000000000000 minor units');
    assert.equal(reasons.get(4), 'Amount above the limit of 1000000000000 minor units');
    assert.equal(reasons.get(5), 'Method longer than 200 characters');
    assert.equal(reasons.get(6), 'Payment id longer than 200 characters');
    assert.equal(reasons.get(7), 'Order number longer than 255 characters');
    assert.match(reasons.get(8)!, /whole number of minor units/);
    assert.match(reasons.get(9)!, /^Payment date must be a date/);
    assert.equal(reasons.get(10), `No order ${'q'.repeat(40)}… in this workspace`);
    for (const r of reasons.values()) assert.ok(r.length < 200, r);

    const aino = await contactByEmail(env(), ws, 'aino@example.fi');
    const res = await env().app.inject({ method: 'GET', url: `/api/v1/order-figures/${aino}`, headers: ws.headers });
    assert.equal(res.json().amountDueMinor, 0, 'a payment of 10 billion covers everything without overflowing');
    const csv = await exported(env(), ws, 'payments.csv');
    const rows: string[][] = parse(csv, { bom: true });
    assert.deepEqual(rows[1].slice(0, 5), ["'@SUM(A1)", '2025-06-01T00:00:00.000Z', '1000000000000', 'EUR', `'=HYPERLINK("http://evil.example","x")`]);
    const again = await importCsv(env(), ws, 'payments', csv);
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged], [0, 0, 1], 'the apostrophes come off again');
  });

  it('rapport import payments / export payments, in small batches', async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    const file = join(dir, 'maksut.csv');
    writeFileSync(file, PAYMENTS);
    const r = await runImportCommand(env().engine, ['payments', file, '--workspace', ws.workspaceId], { out: new PassThrough(), progress: new PassThrough(), batchSize: 3 });
    assert.deepEqual([r.counts.created, r.counts.rejected], [5, 7]);
    assert.equal(r.rejectedPath, `${file}.rejected.csv`);

    // A row repeated in a later batch finds the payment the earlier batch wrote: unchanged, not new.
    const derived = join(dir, 'no-ids.csv');
    writeFileSync(derived, 'Paid at,Amount (minor),Customer email\n2025-07-01,100,aino@example.fi\n2025-07-02,100,aino@example.fi\n2025-07-01,100,aino@example.fi\n');
    const d = await runImportCommand(env().engine, ['payments', derived, '--workspace', ws.workspaceId], { out: new PassThrough(), progress: new PassThrough(), batchSize: 2 });
    assert.deepEqual([d.counts.created, d.counts.unchanged, d.counts.duplicates], [2, 1, 0]);

    let text = '';
    const out = new PassThrough();
    out.on('data', (c) => (text += c));
    await runExportCommand(env().engine, ['payments', '--workspace', ws.workspaceId, '--delimiter', 'semicolon'], out);
    assert.match(text, /^\uFEFFPayment id;Paid at;Amount \(minor\);Currency;Method;Order number;Customer email;Customer phone;Customer ID\r\n/);
    assert.equal(text.trim().split('\r\n').length, 1 + 7);
  });
});
