import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { finishImport, importCsv, keyFor, upload } from './test-helpers.ts';

forEachEngine('Imports API', (env) => {
  it('answers an upload with its headers, a 10-row preview and a mapping guessed from header names', async () => {
    const ws = await env().workspace();
    const rows = Array.from({ length: 25 }, (_, i) => `P${i},Q${i},p${i}@example.com,+358401000${String(i).padStart(3, '0')}`);
    const res = await upload(env(), ws, 'people', ['First name,LAST NAME, E-mail ,Mobile phone', ...rows].join('\n'));
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(body.headers, ['First name', 'LAST NAME', 'E-mail', 'Mobile phone']);
    assert.equal(body.preview.length, 10);
    assert.deepEqual(body.preview[0], { line: 2, values: ['P0', 'Q0', 'p0@example.com', '+358401000000'] });
    assert.deepEqual(body.suggestedMapping, { 'First name': 'firstName', 'LAST NAME': 'lastName', 'E-mail': 'email', 'Mobile phone': 'phone' });
  });

  it('reports state, progress with an estimated total, rate and ETA, and counts; and lists imports', async () => {
    const ws = await env().workspace();
    const done = await importCsv(env(), ws, 'people', 'First name,Email\nA,a@example.com\nB,b@example.com\n');
    assert.equal(done.state, 'succeeded');
    assert.deepEqual(done.counts, { created: 2, updated: 0, unchanged: 0, duplicates: 0, rejected: 0, companiesCreated: 0 });
    assert.equal(done.progress.rowsDone, 2);
    assert.equal(done.progress.rowsTotal, 2);
    assert.equal(done.progress.etaSeconds, 0);
    assert.equal(typeof done.progress.rate, 'number');
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/imports?limit=1', headers: ws.headers });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().items[0].id, done.id);
  });

  it('takes an upload far above the JSON body limit (no 413) and streams it to disk', async () => {
    const ws = await env().workspace();
    const line = 'Someone,With A Rather Long Family Name,someone@example.com,' + 'x'.repeat(200) + '\n';
    const csv = 'First name,Last name,Email,Note\n' + line.repeat(Math.ceil((3 * 1048576) / line.length));
    assert.ok(csv.length > 3 * 1048576);
    const res = await upload(env(), ws, 'people', csv);
    assert.equal(res.statusCode, 201, res.body);
  });

  it('refuses a binary file, an empty file and a JSON body', async () => {
    const ws = await env().workspace();
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x01]);
    const bin = await upload(env(), ws, 'people', zip);
    assert.equal(bin.statusCode, 400);
    assert.match(bin.json().error.message, /not a CSV/);
    const empty = await upload(env(), ws, 'people', '');
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().error.message, /empty/);
    const blank = await upload(env(), ws, 'people', '\r\n\r\n');
    assert.equal(blank.statusCode, 400);
    const json = await env().app.inject({ method: 'POST', url: '/api/v1/imports?kind=people', headers: ws.headers, payload: { a: 1 } });
    assert.equal(json.statusCode, 400);
    const octet = await upload(env(), ws, 'people', 'a,b\n1,2\n', 'application/octet-stream');
    assert.equal(octet.statusCode, 415);
  });

  it('refuses an unknown kind, a mapping to unknown fields or columns, and starting twice', async () => {
    const ws = await env().workspace();
    const badKind = await upload(env(), ws, 'sheep', 'a\n1\n');
    assert.equal(badKind.statusCode, 400);
    const up = (await upload(env(), ws, 'people', 'Name,Email\nA B,a@example.com\n')).json();
    const start = (mapping: unknown) =>
      env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/start`, headers: ws.headers, payload: { mapping } });
    const unknownField = await start({ Name: 'fullName', Email: 'password' });
    assert.equal(unknownField.statusCode, 400);
    assert.ok(unknownField.json().error.fields['mapping.Email']);
    const unknownColumn = await start({ "Name'; drop table contacts; --": 'fullName' });
    assert.equal(unknownColumn.statusCode, 400);
    const unknownAttr = await start({ Name: 'fullName', Email: 'attr.nope' });
    assert.equal(unknownAttr.statusCode, 400);
    const notObject = await start('Name=fullName');
    assert.equal(notObject.statusCode, 400);
    const extra = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/start`, headers: ws.headers, payload: { mapping: {}, evil: true } });
    assert.equal(extra.statusCode, 400);
    assert.equal((await start({ Name: 'fullName', Email: 'email' })).statusCode, 202);
    assert.equal((await start({ Name: 'fullName', Email: 'email' })).statusCode, 409);
    await finishImport(env(), ws, up.id);
  });

  it('hides another workspace\'s import (404) and refuses analysts (403) and anonymous callers (401)', async () => {
    const owner = await env().workspace();
    const other = await env().workspace();
    const up = (await upload(env(), owner, 'people', 'Name,Email\nA B,a@example.com\n')).json();
    for (const [method, url, payload] of [
      ['GET', `/api/v1/imports/${up.id}`, undefined],
      ['GET', `/api/v1/imports/${up.id}/rejections.csv`, undefined],
      ['POST', `/api/v1/imports/${up.id}/start`, { mapping: { Name: 'fullName', Email: 'email' } }],
    ] as const) {
      const res = await env().app.inject({ method, url, headers: other.headers, payload });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
    }
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/imports', headers: other.headers });
    assert.deepEqual(list.json().items, []);
    const bad = await env().app.inject({ method: 'GET', url: '/api/v1/imports/not-a-uuid', headers: owner.headers });
    assert.equal(bad.statusCode, 400);

    const analyst = await keyFor(env(), owner, 'analyst');
    const denied = await upload(env(), { headers: analyst }, 'people', 'Name,Email\nA B,a@example.com\n');
    assert.equal(denied.statusCode, 403);
    const deniedStart = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/start`, headers: analyst, payload: { mapping: { Name: 'fullName' } } });
    assert.equal(deniedStart.statusCode, 403);
    const canRead = await env().app.inject({ method: 'GET', url: `/api/v1/imports/${up.id}`, headers: analyst });
    assert.equal(canRead.statusCode, 200);
    const anonymous = await upload(env(), { headers: {} }, 'people', 'Name,Email\nA B,a@example.com\n');
    assert.equal(anonymous.statusCode, 401);
    const anonymousExport = await env().app.inject({ method: 'GET', url: '/api/v1/exports/people.csv' });
    assert.equal(anonymousExport.statusCode, 401);
  });

  it('writes the upload and the start to the audit log', async () => {
    const ws = await env().workspace();
    const done = await importCsv(env(), ws, 'people', 'Name,Email\nA B,a@example.com\n');
    const actions = await env()
      .engine.db.selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', ws.workspaceId)
      .where('entity_id', '=', done.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(actions.map((a) => a.action), ['import.upload', 'import.start', 'import.complete']);
  });
});
