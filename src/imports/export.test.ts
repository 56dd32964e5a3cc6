import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { forEachEngine } from '../../test/support/harness.ts';
import { defineAttribute, importCsv, keyFor, people } from './test-helpers.ts';

const PEOPLE = [
  'First name,Last name,Email,Phone,Tags,Tier,Birthday,Language',
  'Anna,Virtanen,anna@example.com,+358 40 123 4567,vip;newsletter,gold,1980-02-29,fi',
  'Иван,Петров,ivan@example.ru,+7 912 345-67-89,,silver,,ru',
  'سارا,محمدی,sara@example.ir,,b2b,,,fa',
  '"=HYPERLINK(""http://evil.example"",""x"")",@SUM(A1),formula@example.com,,-danger;+cmd,,,',
].join('\n');

async function exportBody(env: any, headers: Record<string, string>, file: string) {
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/exports/${file}`, headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.headers['content-type'], /text\/csv/);
  return res.body as string;
}

forEachEngine('CSV export', (env) => {
  it('neutralises cells a spreadsheet would run as formulas, phone numbers included', async () => {
    const ws = await env().workspace();
    await defineAttribute(env(), ws.workspaceId, 'tier', 'choice', ['gold', 'silver']);
    await importCsv(env(), ws, 'people', PEOPLE);
    const rows: string[][] = parse(await exportBody(env(), ws.headers, 'people.csv'), { bom: true });
    const header = rows[0];
    const col = (name: string) => header.indexOf(name);
    const evil = rows.find((r) => r[col('Email')] === 'formula@example.com')!;
    assert.equal(evil[col('First name')], `'=HYPERLINK("http://evil.example","x")`);
    assert.equal(evil[col('Last name')], "'@SUM(A1)");
    assert.equal(evil[col('Tags')], "'-danger;+cmd");
    const anna = rows.find((r) => r[col('Email')] === 'anna@example.com')!;
    assert.equal(anna[col('Phone')], "'+358401234567");
    for (const r of rows.slice(1)) for (const cell of r) assert.ok(!/^[=+\-@\t\r]/.test(cell), `unneutralised cell ${cell}`);
  });

  it('re-importing an export into a fresh workspace gives the same people', async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    for (const w of [a, b]) await defineAttribute(env(), w.workspaceId, 'tier', 'choice', ['gold', 'silver']);
    await importCsv(env(), a, 'people', PEOPLE);
    const csv = await exportBody(env(), a.headers, 'people.csv');
    const done = await importCsv(env(), b, 'people', csv);
    assert.equal(done.counts.rejected, 0, JSON.stringify(done));
    const strip = (rows: Awaited<ReturnType<typeof people>>) => rows.map(({ id, company_id, ...rest }) => rest);
    const before = strip(await people(env(), a.workspaceId));
    const after = strip(await people(env(), b.workspaceId));
    assert.equal(after.length, 4);
    assert.deepEqual(after, before);
    const evil = after.find((p) => p.emails[0] === 'formula@example.com')!;
    assert.equal(evil.first_name, '=HYPERLINK("http://evil.example","x")', 'the apostrophe added on export is removed on import');
    assert.deepEqual(evil.tags, ['-danger', '+cmd']);
  });

  it('exports with semicolons for spreadsheets that expect them, and that file re-imports to the same people', async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    for (const w of [a, b]) await defineAttribute(env(), w.workspaceId, 'tier', 'choice', ['gold', 'silver']);
    await importCsv(env(), a, 'people', PEOPLE);
    const csv = await exportBody(env(), a.headers, 'people.csv?delimiter=semicolon');
    const rows: string[][] = parse(csv, { bom: true, delimiter: ';' });
    assert.equal(rows[0][0], 'First name');
    const anna = rows.find((r) => r.includes('anna@example.com'))!;
    assert.ok(anna.includes('vip;newsletter'), 'a list inside a cell is quoted, not split');
    const done = await importCsv(env(), b, 'people', csv);
    assert.equal(done.format.delimiter, 'semicolon');
    assert.equal(done.counts.rejected, 0, JSON.stringify(done));
    const strip = (rows: Awaited<ReturnType<typeof people>>) => rows.map(({ id, company_id, ...rest }) => rest);
    assert.deepEqual(strip(await people(env(), b.workspaceId)), strip(await people(env(), a.workspaceId)));
    const bad = await env().app.inject({ method: 'GET', url: '/api/v1/exports/people.csv?delimiter=%3B', headers: a.headers });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.json().error.fields['query.delimiter'], bad.body);
    const unknown = await env().app.inject({ method: 'GET', url: '/api/v1/exports/people.csv?format=xlsx', headers: a.headers });
    assert.equal(unknown.statusCode, 400);
  });

  it('exports orders with their lines and own due dates, which re-import into a fresh workspace', async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    const orders = [
      'Order number,Ordered at,Due date,Status,Customer email,SKU,Product,Quantity,Unit price (minor)',
      '=1+1,2024-03-01,,paid,anna@example.com,COF-1,Coffee,2,1290',
      '=1+1,2024-03-01,,paid,anna@example.com,MUG-1,Mug,1,900',
      'A-2,2024-04-01,30.4.2024,ordered,pekka@example.com,COF-1,Coffee,1,1290',
      'A-3,2024-04-02 09:15,2024-05-02T17:00:00+03:00,ordered,pekka@example.com,MUG-1,Mug,1,900',
    ].join('\n');
    await importCsv(env(), a, 'orders', orders);
    const csv = await exportBody(env(), a.headers, 'orders.csv');
    const rows: string[][] = parse(csv, { bom: true });
    assert.equal(rows.length, 5);
    assert.ok(rows.some((r) => r[0] === "'=1+1"));
    const due = rows[0].indexOf('Due date');
    assert.ok(due > 0, rows[0].join());
    assert.deepEqual(
      rows.slice(1).map((r) => [r[0], r[due]]),
      [["'=1+1", ''], ["'=1+1", ''], ['A-2', '2024-04-30T00:00:00.000Z'], ['A-3', '2024-05-02T14:00:00.000Z']],
      'only an order\'s own due date is written; the terms leave the cell empty',
    );
    const done = await importCsv(env(), b, 'orders', csv);
    assert.equal(done.counts.created, 3);
    assert.equal(done.counts.rejected, 0);
    const saved = (workspaceId: string) =>
      env()
        .engine.db.selectFrom('orders')
        .select(['external_id', 'total_minor', 'status', 'ordered_at', 'due_at'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('external_id')
        .execute()
        .then((os) => os.map((o) => [o.external_id, Number(o.total_minor), o.status, new Date(o.ordered_at).toISOString(), o.due_at && new Date(o.due_at).toISOString()]));
    assert.deepEqual(await saved(b.workspaceId), [
      ['=1+1', 3480, 'paid', '2024-03-01T00:00:00.000Z', null],
      ['A-2', 1290, 'ordered', '2024-04-01T00:00:00.000Z', '2024-04-30T00:00:00.000Z'],
      ['A-3', 900, 'ordered', '2024-04-02T09:15:00.000Z', '2024-05-02T14:00:00.000Z'],
    ]);
    assert.deepEqual(await saved(b.workspaceId), await saved(a.workspaceId));
    const again = await importCsv(env(), b, 'orders', await exportBody(env(), b.headers, 'orders.csv'));
    assert.deepEqual([again.counts.created, again.counts.updated, again.counts.unchanged], [0, 0, 3], 'its own export re-imports as no change');
  });

  it('exports only the caller\'s workspace, streams companies too, and lets analysts export', async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    await importCsv(env(), a, 'companies', 'Name,Email\nAcme Oy,info@acme.fi\n');
    const analyst = await keyFor(env(), b, 'analyst');
    const rows: string[][] = parse(await exportBody(env(), analyst, 'companies.csv'), { bom: true });
    assert.equal(rows.length, 1, 'only the header: workspace b has no companies');
    const own: string[][] = parse(await exportBody(env(), a.headers, 'companies.csv'), { bom: true });
    assert.deepEqual(own[1].slice(0, 2), ['Acme Oy', 'info@acme.fi']);
  });

  it('pages through more rows than one export page without repeating or skipping any', async () => {
    const ws = await env().workspace();
    const lines = ['First name,Email'];
    for (let i = 0; i < 4500; i++) lines.push(`P${i},p${i}@example.com`);
    await importCsv(env(), ws, 'people', lines.join('\n'));
    const rows: string[][] = parse(await exportBody(env(), ws.headers, 'people.csv'), { bom: true });
    const emails = rows.slice(1).map((r) => r[rows[0].indexOf('Email')]);
    assert.equal(emails.length, 4500);
    assert.equal(new Set(emails).size, 4500);
  });
});
