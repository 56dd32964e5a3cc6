import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { forEachEngine, type TestEnv, type TestWorkspace } from '../../test/support/harness.ts';
import { FIELDS, suggestMapping } from './mapping.ts';
import { contactByEmail, importCsv, PAYMENTS, rejectionsCsv, shop, upload } from './test-helpers.ts';

// The payments import (docs/decisions/0004, "Payments"): payments name orders and customers the
// workspace already has, never create customers, and re-import as no change.

async function figures(env: TestEnv, ws: TestWorkspace, contactId: string) {
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/order-figures/${contactId}`, headers: ws.headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { amountDueMinor: number; payments: { settledOrders: number; lateOrders: number } };
}

async function payments(env: TestEnv, ws: TestWorkspace) {
  return env.engine.db
    .selectFrom('payments as p')
    .innerJoin('contacts as c', 'c.id', 'p.contact_id')
    .leftJoin('orders as o', 'o.id', 'p.order_id')
    .select(['p.id', 'p.external_id', 'p.amount_minor', 'p.currency', 'p.method', 'p.paid_at', 'o.external_id as order_number', 'c.emails'])
    .where('p.workspace_id', '=', ws.workspaceId)
    .orderBy('p.external_id')
    .execute();
}

async function timeline(env: TestEnv, ws: TestWorkspace, contactId: string) {
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/timeline?limit=50`, headers: ws.headers });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().items as Array<{ type: string; summary: string; occurredAt: string; ref: { type: string; id: string } | null }>).filter(
    (i) => i.type === 'payment.received',
  );
}

it('maps payment headers in English, Finnish, Norwegian and Russian, and leaves the ambiguous ones to the user', () => {
  const fi = suggestMapping('payments', ['Maksutunnus', 'Maksupäivä', 'Summa senteissä', 'Valuutta', 'Maksutapa', 'Tilausnumero', 'Sähköposti', 'Asiakasnumero']);
  assert.deepEqual(Object.values(fi), ['externalId', 'paidAt', 'amountMinor', 'currency', 'method', 'orderNumber', 'customerEmail', 'customerExternalId']);
  const no = suggestMapping('payments', ['Betalingsid', 'Betalingsdato', 'Beløp i øre', 'Valuta', 'Betalingsmåte', 'Ordrenummer', 'E-post', 'Kundenummer']);
  assert.deepEqual(Object.values(no), ['externalId', 'paidAt', 'amountMinor', 'currency', 'method', 'orderNumber', 'customerEmail', 'customerExternalId']);
  const ru = suggestMapping('payments', ['Номер платежа', 'Дата оплаты', 'Сумма в копейках', 'Валюта', 'Способ оплаты', 'Номер заказа', 'Телефон']);
  assert.deepEqual(Object.values(ru), ['externalId', 'paidAt', 'amountMinor', 'currency', 'method', 'orderNumber', 'customerPhone']);
  const en = suggestMapping('payments', ['Payment id', 'Paid at', 'Amount (minor)', 'Currency', 'Method', 'Order number', 'Customer email', 'Customer phone', 'Customer ID']);
  assert.deepEqual(new Set(Object.values(en)), new Set(FIELDS.payments));
  // Major units read as cents would be a hundredth of the money; an invoice reference is shared by part payments.
  assert.deepEqual(suggestMapping('payments', ['Amount', 'Summa', 'Viite', 'Reference', 'KID']), {});
});

forEachEngine('CSV import of payments', (env) => {
  it('loads payments naming orders and customers, rejects each bad row with its line and reason, and keeps the good ones', async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    const done = await importCsv(env(), ws, 'payments', PAYMENTS);
    assert.deepEqual([done.counts.created, done.counts.updated, done.counts.rejected], [5, 0, 7], JSON.stringify(done));

    const report: string[][] = parse(await rejectionsCsv(env(), ws, done.id), { bom: true });
    const reasons = new Map(report.slice(1).map(([line, reason]) => [Number(line), reason]));
    assert.deepEqual([...reasons.keys()].sort((a, b) => a - b), [5, 6, 7, 8, 9, 10, 11]);
    assert.equal(reasons.get(5), 'No order X9 in this workspace');
    assert.equal(reasons.get(6), 'No customer with this e-mail, phone or id');
    assert.equal(reasons.get(7), 'The order belongs to another customer');
    assert.match(reasons.get(8)!, /^Amount must be greater than 0, got 0$/);
    assert.match(reasons.get(9)!, /^Amount must be greater than 0, got -100$/);
    assert.match(reasons.get(10)!, /^Amount must be a whole number of minor units \(cents\), got 12,50$/);
    assert.match(reasons.get(11)!, /^Payment date must be a date \(1980-12-31 or 31\.12\.1980\).*got 31\.2\.2025$/);
    assert.equal(report[1][2], 'P4,1.5.2025,100,EUR,,X9,,,', 'the raw row is in the report');

    const rows = await payments(env(), ws);
    assert.deepEqual(
      rows.map((p) => [p.external_id, Number(p.amount_minor), p.currency, p.method, p.order_number, p.emails[0]]),
      [
        ['P1', 1000, 'EUR', 'card', 'A1', 'aino@example.fi'],
        ['P11', 100, 'EUR', null, null, 'aino@example.fi'],
        ['P12', 300, 'EUR', null, null, 'bo@example.no'],
        ['P2', 2000, 'EUR', 'bank transfer', null, 'aino@example.fi'],
        ['P3', 500, 'EUR', null, 'B1', 'bo@example.no'],
      ],
    );
    assert.equal(new Date(rows.find((p) => p.external_id === 'P2')!.paid_at).toISOString(), '2025-04-20T14:30:00.000Z', 'local time without a zone is UTC');
    const customers = await env().engine.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(customers.length, 2, 'a payment never creates a customer');
  });

  it("moves the customer's amount due and payment reliability, and puts each payment on the timeline", async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    const aino = await contactByEmail(env(), ws, 'aino@example.fi');
    const bo = await contactByEmail(env(), ws, 'bo@example.no');
    assert.equal((await figures(env(), ws, aino)).amountDueMinor, 4000);
    await importCsv(env(), ws, 'payments', PAYMENTS);

    // Aino: A1 settled on time by P1, A2 by P2 five days late, A3 still owes 1000 - 100.
    const a = await figures(env(), ws, aino);
    assert.equal(a.amountDueMinor, 900);
    assert.deepEqual([a.payments.settledOrders, a.payments.lateOrders], [2, 1]);
    const b = await figures(env(), ws, bo);
    assert.equal(b.amountDueMinor, 0);
    assert.deepEqual([b.payments.settledOrders, b.payments.lateOrders], [1, 0]);

    const entries = await timeline(env(), ws, aino);
    assert.deepEqual(entries.map((e) => e.summary).sort(), [
      'Payment of 1.00 EUR received',
      'Payment of 10.00 EUR received by card for order #A1',
      'Payment of 20.00 EUR received by bank transfer',
    ]);
    const p1 = (await payments(env(), ws)).find((p) => p.external_id === 'P1')!;
    const e1 = entries.find((e) => e.summary.includes('#A1'))!;
    assert.deepEqual(e1.ref, { type: 'payment', id: p1.id });
    assert.equal(e1.occurredAt, '2025-03-10T00:00:00.000Z');
  });

  it('importing the same file again changes nothing; a changed payment is updated, with its timeline entry and the figures', async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    await importCsv(env(), ws, 'payments', PAYMENTS);
    const again = await importCsv(env(), ws, 'payments', PAYMENTS);
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged, again.counts.rejected], [0, 0, 5, 7]);
    assert.equal((await env().engine.db.selectFrom('interactions').select('id').where('workspace_id', '=', ws.workspaceId).where('channel', '=', 'payment').execute()).length, 5);

    // P2 now pays less and later, by card, and names A2; P11 moves to Bo.
    const changed = PAYMENTS.replace('P2;20.4.2025 14:30;2000;;bank transfer;;', 'P2;22.4.2025;1500;;card;A2;').replace(
      'P11;2.5.2025;100;EUR;;;;040 111 2222;',
      'P11;2.5.2025;100;EUR;;;bo@example.no;;',
    );
    const updated = await importCsv(env(), ws, 'payments', changed);
    assert.deepEqual([updated.counts.created, updated.counts.updated, updated.counts.unchanged], [0, 2, 3]);
    const p2 = (await payments(env(), ws)).find((p) => p.external_id === 'P2')!;
    assert.deepEqual([Number(p2.amount_minor), p2.method, p2.order_number], [1500, 'card', 'A2']);

    const aino = await contactByEmail(env(), ws, 'aino@example.fi');
    const bo = await contactByEmail(env(), ws, 'bo@example.no');
    assert.deepEqual((await timeline(env(), ws, aino)).map((e) => e.summary).sort(), [
      'Payment of 10.00 EUR received by card for order #A1',
      'Payment of 15.00 EUR received by card for order #A2',
    ]);
    assert.ok((await timeline(env(), ws, bo)).some((e) => e.summary === 'Payment of 1.00 EUR received'), 'the entry moved with the payment');
    const a = await figures(env(), ws, aino);
    assert.equal(a.amountDueMinor, 4000 - 1000 - 1500);
    assert.deepEqual([a.payments.settledOrders, a.payments.lateOrders], [1, 0], 'A2 is no longer paid in full');
  });

  it('a file without payment ids gets ids from its rows: imported again it adds nothing, and identical rows count once', async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    const file = [
      'Paid at,Amount (minor),Customer email,Order number,Method',
      '2025-06-01,700,aino@example.fi,,',
      '2025-06-01,700,aino@example.fi,,', // the same row again: one payment
      '2025-06-02T10:00:00+03:00,300,,A3,cash',
      '2025-06-03,300,bo@example.no,,',
      '2025-06-03,300,bo@example.no,,card', // the same payment said differently: refused, naming line 5
      '2025-06-04,100,nobody@example.fi,,',
      '2025-06-04,100,nobody@example.fi,,', // a repeat of a refused row is refused with it
    ].join('\n');
    const first = await importCsv(env(), ws, 'payments', file);
    assert.deepEqual([first.counts.created, first.counts.duplicates, first.counts.rejected], [3, 1, 3], JSON.stringify(first));
    const report: string[][] = parse(await rejectionsCsv(env(), ws, first.id), { bom: true });
    assert.deepEqual(report.slice(1).map((r) => r[0]), ['6', '7', '8']);
    assert.match(report[1][1], /^Line 5 is a payment of the same amount at the same time .*map a payment id column$/);
    assert.deepEqual([report[2][1], report[3][1]], ['No customer with this e-mail, phone or id', 'No customer with this e-mail, phone or id']);
    const ids = (await payments(env(), ws)).map((p) => p.external_id!);
    assert.equal(ids.length, 3);
    for (const id of ids) assert.match(id, /^import:[0-9a-f]{20}$/);

    const again = await importCsv(env(), ws, 'payments', file);
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged, again.counts.duplicates, again.counts.rejected], [0, 0, 3, 1, 3]);
    // The method is not part of the id: a later file may correct it.
    const corrected = await importCsv(env(), ws, 'payments', file.replace('A3,cash', 'A3,card'));
    assert.deepEqual([corrected.counts.created, corrected.counts.updated], [0, 1]);
    assert.equal((await payments(env(), ws)).length, 3);
  });

  it('leaves what an existing payment has where the file has no column for it', async () => {
    const ws = await env().workspace();
    await shop(env(), ws);
    await importCsv(env(), ws, 'payments', PAYMENTS);
    // Only id, date, amount and customer: P1 keeps its order, currency and method.
    const slim = 'Payment id,Paid at,Amount (minor),Customer email\nP1,10.3.2025,1000,aino@example.fi\nP3,12.3.2025,500,bo@example.no\n';
    const done = await importCsv(env(), ws, 'payments', slim);
    assert.deepEqual([done.counts.created, done.counts.updated, done.counts.unchanged], [0, 0, 2]);
    // The customer changes: the order link of another customer's order cannot stay.
    const moved = await importCsv(env(), ws, 'payments', 'Payment id,Paid at,Amount (minor),Customer email\nP1,10.3.2025,1000,bo@example.no\n');
    assert.equal(moved.counts.updated, 1);
    const p1 = (await payments(env(), ws)).find((p) => p.external_id === 'P1')!;
    assert.deepEqual([p1.order_number, p1.method, p1.emails[0]], [null, 'card', 'bo@example.no']);
  });

  it('refuses a mapping without amount, date, or anyone to pay for', async () => {
    const ws = await env().workspace();
    const up = await upload(env(), ws, 'payments', 'Payment id,Paid at,Amount (minor)\nX,2025-01-01,100\n');
    assert.equal(up.statusCode, 201, up.body);
    const start = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.json().id}/start`, headers: ws.headers, payload: { mapping: up.json().suggestedMapping } });
    assert.equal(start.statusCode, 400);
    assert.match(start.body, /customerEmail or customerPhone or customerExternalId or orderNumber/);
  });
});
