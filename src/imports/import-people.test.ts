import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { forEachEngine } from '../../test/support/harness.ts';
import { runImport } from './run-import.ts';
import { defineAttribute, importCsv, people, rejectionsCsv, upload } from './test-helpers.ts';

const HOSTILE = [
  '\uFEFFFirst name,Last name,E-mail,Phone,Tags,Tier,Note',
  'Anna,Virtanen,ANNA@Example.COM,040 123 4567,vip;newsletter,gold,plain',
  'Иван,Петров,ivan@example.ru,+7 912 345-67-89,,silver,"two',
  'lines here"',
  'سارا,محمدی,sara@example.ir,,b2b,,',
  'Bad,Email,not-an-email,,,,',
  'Bad,Phone,bad.phone@example.com,12,,,',
  'Short,Row,short@example.com',
  'Wrong,Choice,choice@example.com,,,platinum,',
  'No,Identity,,,,,',
  '',
  'Anna,Virtanen-Korhonen,anna@example.com,,loyal,,',
].join('\r\n');

forEachEngine('CSV import of people', (env) => {
  it('commits good rows and reports each bad row with its line and reason (BOM, CRLF, quoted newline, Cyrillic, Persian)', async () => {
    const ws = await env().workspace();
    await defineAttribute(env(), ws.workspaceId, 'tier', 'choice', ['gold', 'silver']);
    const done = await importCsv(env(), ws, 'people', HOSTILE, {
      'First name': 'firstName',
      'Last name': 'lastName',
      'E-mail': 'email',
      Phone: 'phone',
      Tags: 'tags',
      Tier: 'attr.tier',
    });
    assert.equal(done.counts.created, 3);
    assert.equal(done.counts.duplicates, 1, 'the second Anna row merged into the first');
    assert.equal(done.counts.rejected, 5);
    assert.equal(done.progress.rowsDone, 9);

    const rows = await people(env(), ws.workspaceId);
    const anna = rows.find((r) => r.emails.includes('anna@example.com'))!;
    assert.equal(anna.name, 'Anna Virtanen-Korhonen', 'a later duplicate row wins for single values');
    assert.deepEqual(anna.phones, ['+358401234567']);
    assert.deepEqual(anna.tags, ['vip', 'newsletter', 'loyal']);
    assert.deepEqual(anna.attributes, { tier: 'gold' });
    const ivan = rows.find((r) => r.name === 'Иван Петров')!;
    assert.deepEqual(ivan.phones, ['+79123456789']);
    assert.deepEqual(ivan.attributes, { tier: 'silver' });
    assert.ok(rows.some((r) => r.name === 'سارا محمدی' && r.tags[0] === 'b2b'));

    const identities = await env().engine.db.selectFrom('contact_identities').select(['kind', 'value', 'contact_id']).where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(identities.length, 5, '3 e-mails and 2 phones, each mirrored once');
    assert.ok(identities.some((i) => i.kind === 'phone' && i.value === '+358401234567' && i.contact_id === anna.id));

    const report: string[][] = parse(await rejectionsCsv(env(), ws, done.id), { bom: true });
    assert.deepEqual(report[0], ['line', 'reason', 'raw']);
    const byLine = new Map(report.slice(1).map(([line, reason, raw]) => [Number(line), { reason, raw }]));
    assert.deepEqual([...byLine.keys()], [6, 7, 8, 9, 10]);
    assert.match(byLine.get(6)!.reason, /valid e-mail/);
    assert.match(byLine.get(7)!.reason, /phone/i);
    assert.match(byLine.get(8)!.reason, /Expected 7 columns, found 3/);
    assert.equal(byLine.get(8)!.raw, 'Short,Row,short@example.com');
    assert.match(byLine.get(9)!.reason, /unknown choice "platinum"/);
    assert.match(byLine.get(10)!.reason, /No e-mail, phone or external id/);
  });

  it('importing the same file twice creates nothing the second time', async () => {
    const ws = await env().workspace();
    await defineAttribute(env(), ws.workspaceId, 'tier', 'choice', ['gold', 'silver']);
    const mapping = { 'First name': 'firstName', 'Last name': 'lastName', 'E-mail': 'email', Phone: 'phone', Tags: 'tags', Tier: 'attr.tier' };
    const first = await importCsv(env(), ws, 'people', HOSTILE, mapping);
    const before = await people(env(), ws.workspaceId);
    const second = await importCsv(env(), ws, 'people', HOSTILE, mapping);
    assert.equal(second.counts.created, 0);
    assert.equal(second.counts.updated, 0);
    assert.equal(second.counts.unchanged, first.counts.created);
    assert.equal(second.counts.rejected, first.counts.rejected);
    assert.deepEqual(await people(env(), ws.workspaceId), before);
  });

  it('updates the contact an e-mail already names, adding new values and keeping the old ones', async () => {
    const ws = await env().workspace();
    await importCsv(env(), ws, 'people', 'First name,Last name,Email,Tags\nMaija,Meikäläinen,maija@example.fi,a\n');
    const done = await importCsv(env(), ws, 'people', 'Email,Phone,Tags,Last name\nMAIJA@example.fi,+358 50 765 4321,b,Virtanen\n');
    assert.equal(done.counts.created, 0);
    assert.equal(done.counts.updated, 1);
    const [maija] = await people(env(), ws.workspaceId);
    assert.equal(maija.name, 'Maija Virtanen');
    assert.deepEqual(maija.tags, ['a', 'b']);
    assert.deepEqual(maija.phones, ['+358507654321']);
  });

  it('refuses a row whose e-mail and phone belong to two different people', async () => {
    const ws = await env().workspace();
    await importCsv(env(), ws, 'people', 'First name,Email,Phone\nA,a@example.com,\nB,b@example.com,+358401111111\n');
    const done = await importCsv(env(), ws, 'people', 'First name,Email,Phone\nC,a@example.com,+358401111111\n');
    assert.equal(done.counts.rejected, 1);
    const report: string[][] = parse(await rejectionsCsv(env(), ws, done.id), { bom: true });
    assert.equal(report[1][0], '2');
    assert.match(report[1][1], /2 different contacts/);
    assert.equal((await people(env(), ws.workspaceId)).length, 2);
  });

  it('links people to their company by name, creating it once', async () => {
    const ws = await env().workspace();
    const done = await importCsv(env(), ws, 'people', 'Name,Email,Company\nAnna Virtanen,anna@acme.fi,Acme Oy\nPekka Korhonen,pekka@acme.fi,ACME OY\n');
    assert.equal(done.counts.companiesCreated, 1);
    const rows = await people(env(), ws.workspaceId);
    assert.equal(rows.length, 2);
    assert.ok(rows[0].company_id && rows[0].company_id === rows[1].company_id);
    assert.equal(rows[0].name, 'Anna Virtanen');
  });

  it('imports companies and recognises a company without e-mail by its name on re-import', async () => {
    const ws = await env().workspace();
    const csv = 'Company name,Email,Tags\nAcme Oy,info@acme.fi,b2b\nBeta Ab,,\n';
    const first = await importCsv(env(), ws, 'companies', csv);
    assert.equal(first.counts.created, 2);
    const second = await importCsv(env(), ws, 'companies', csv);
    assert.equal(second.counts.created, 0);
    assert.equal(second.counts.unchanged, 2);
  });

  it('gives an e-mail still held by a deleted contact to the imported person', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const gone = await db
      .insertInto('contacts')
      .values({ workspace_id: ws.workspaceId, kind: 'person', name: 'Gone', emails: ['old@example.com'], attributes: '{}', deleted_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('contact_identities').values({ workspace_id: ws.workspaceId, kind: 'email', value: 'old@example.com', contact_id: gone.id }).execute();
    const done = await importCsv(env(), ws, 'people', 'First name,Email\nNew,old@example.com\n');
    assert.equal(done.counts.created, 1);
    const [person] = await people(env(), ws.workspaceId);
    const identity = await db.selectFrom('contact_identities').select('contact_id').where('workspace_id', '=', ws.workspaceId).where('value', '=', 'old@example.com').executeTakeFirstOrThrow();
    assert.equal(identity.contact_id, person.id);
  });

  it('does not touch another workspace\'s contact with the same e-mail', async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    await importCsv(env(), a, 'people', 'First name,Email\nAlice,shared@example.com\n');
    const done = await importCsv(env(), b, 'people', 'First name,Email\nBob,shared@example.com\n');
    assert.equal(done.counts.created, 1);
    assert.equal((await people(env(), a.workspaceId))[0].name, 'Alice');
    assert.equal((await people(env(), b.workspaceId))[0].name, 'Bob');
  });

  it('a crashed import resumes after its last committed batch without duplicating anyone', async () => {
    const ws = await env().workspace();
    const csv = 'First name,Email\n' + Array.from({ length: 7 }, (_, i) => `P${i},p${i}@example.com`).join('\n') + '\nBad,nope\n';
    const up = await upload(env(), ws, 'people', csv);
    const { id } = up.json();
    await env().engine.db.updateTable('imports').set({ mapping: JSON.stringify({ 'First name': 'firstName', Email: 'email' }), state: 'queued' }).where('id', '=', id).execute();
    let batches = 0;
    await assert.rejects(
      runImport(env().engine, id, {
        batchSize: 3,
        onProgress: () => {
          if (++batches === 2) throw new Error('worker killed');
        },
      }),
      /worker killed/,
    );
    const mid = await env().engine.db.selectFrom('imports').select(['state', 'rows_done']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(mid.state, 'failed');
    assert.equal(Number(mid.rows_done), 6);
    const counts = await runImport(env().engine, id, { batchSize: 3 });
    assert.equal(counts.created, 7);
    assert.equal(counts.rejected, 1);
    assert.equal((await people(env(), ws.workspaceId)).length, 7);
  });
});
