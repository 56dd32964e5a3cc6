import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine } from '../../test/support/harness.ts';
import { defineAttribute, importCsv, people, rejectionsCsv } from './test-helpers.ts';

// Dates and numbers as a spreadsheet in the workspace's country writes them (src/contacts/dates.ts, numbers.ts).

forEachEngine('CSV import of dates written the local way', (env) => {
  it('reads birthdays and date fields day first in Finland, and refuses impossible ones with the expected form', async () => {
    const ws = await env().workspace(); // default country FI
    await defineAttribute(env(), ws.workspaceId, 'joined', 'date');
    const done = await importCsv(
      env(),
      ws,
      'people',
      ['First name;Email;Birthday;Joined', 'Anna;anna@example.fi;24.12.1975;1.3.2024', 'Bo;bo@example.fi;03/04/1990;2024-05-06', 'Cid;cid@example.fi;30.2.1990;', 'Dan;dan@example.fi;1.1.90;'].join('\r\n'),
      { 'First name': 'firstName', Email: 'email', Birthday: 'birthday', Joined: 'attr.joined' },
    );
    assert.equal(done.counts.created, 2);
    assert.equal(done.counts.rejected, 2);
    const byName = new Map((await people(env(), ws.workspaceId)).map((p) => [p.first_name, p]));
    assert.deepEqual(byName.get('Anna')!.attributes, { joined: '2024-03-01' });
    assert.deepEqual(byName.get('Bo')!.attributes, { joined: '2024-05-06' });
    const birthdays = await env()
      .engine.db.selectFrom('contacts')
      .select(['first_name', sql<string>`birthday::text`.as('birthday')])
      .where('workspace_id', '=', ws.workspaceId)
      .orderBy('first_name')
      .execute();
    assert.deepEqual(birthdays.map((b) => [b.first_name, b.birthday]), [['Anna', '1975-12-24'], ['Bo', '1990-04-03']]);
    const report = await rejectionsCsv(env(), ws, done.id);
    assert.match(report, /Birthday must be a date 1980-12-31 or 31\.12\.1980, got 30\.2\.1990/);
    assert.match(report, /got 1\.1\.90/);
  });

  it('reads order dates with a time the local way, month first for a US workspace', async () => {
    const ws = await env().workspace();
    await env().engine.db.updateTable('workspaces').set({ default_country: 'US' }).where('id', '=', ws.workspaceId).execute();
    const done = await importCsv(
      env(),
      ws,
      'orders',
      ['Order number,Ordered at,Customer email,SKU,Quantity,Unit price (minor)', 'U1,12/31/2024 14:30,amy@example.com,TEA,1,500', 'U2,2/1/2025,amy@example.com,TEA,1,500', 'U3,12/31/2024 25:00,amy@example.com,TEA,1,500'].join('\n'),
    );
    assert.equal(done.counts.created, 2, JSON.stringify(done));
    assert.equal(done.counts.rejected, 1);
    const orders = await env().engine.db.selectFrom('orders').select(['external_id', 'ordered_at']).where('workspace_id', '=', ws.workspaceId).orderBy('external_id').execute();
    assert.deepEqual(orders.map((o) => [o.external_id, new Date(o.ordered_at).toISOString()]), [['U1', '2024-12-31T14:30:00.000Z'], ['U2', '2025-02-01T00:00:00.000Z']]);
    assert.match(await rejectionsCsv(env(), ws, done.id), /Order date must be a date \(1980-12-31 or 12\/31\/1980\).*got 12\/31\/2024 25:00/);
  });

  it('reads number fields with a decimal comma and spaced thousands in Finland, and commas as thousands in the US', async () => {
    const fi = await env().workspace();
    await defineAttribute(env(), fi.workspaceId, 'spent', 'number');
    const done = await importCsv(env(), fi, 'people', 'Name;Email;Spent\r\nA;a@example.fi;"1 234,50"\r\nB;b@example.fi;12,5\r\nC;c@example.fi;12 kg\r\n', { Name: 'firstName', Email: 'email', Spent: 'attr.spent' });
    assert.equal(done.counts.rejected, 1, await rejectionsCsv(env(), fi, done.id));
    assert.deepEqual((await people(env(), fi.workspaceId)).map((p) => p.attributes), [{ spent: 1234.5 }, { spent: 12.5 }]);
    assert.match(await rejectionsCsv(env(), fi, done.id), /spent: expected a number, got 12 kg/);
    const us = await env().workspace();
    await env().engine.db.updateTable('workspaces').set({ default_country: 'US' }).where('id', '=', us.workspaceId).execute();
    await defineAttribute(env(), us.workspaceId, 'spent', 'number');
    await importCsv(env(), us, 'people', 'Name,Email,Spent\nA,a@example.com,"1,234"\nB,b@example.com,"1,234.5"\n', { Name: 'firstName', Email: 'email', Spent: 'attr.spent' });
    assert.deepEqual((await people(env(), us.workspaceId)).map((p) => p.attributes), [{ spent: 1234 }, { spent: 1234.5 }]);
  });
});
