import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { finishImport, keyFor, people, upload } from './test-helpers.ts';

// A spreadsheet saved as CSV on a Finnish or Norwegian computer: Windows-1252, ';' between fields.
const CP1252: Record<string, number> = { ä: 0xe4, ö: 0xf6, å: 0xe5, ø: 0xf8, Ä: 0xc4 };
const cp1252 = (s: string) => Buffer.from([...s].map((c) => CP1252[c] ?? c.charCodeAt(0)));
const EXCEL = cp1252('Etunimi;Sukunimi;Sähköposti\r\nMatti;Mäkinen;matti@example.fi\r\nÅse;Løvås;ase@example.no\r\n');
const MAPPING = { Etunimi: 'firstName', Sukunimi: 'lastName', Sähköposti: 'email' };

forEachEngine('Imports API: file encodings and separators', (env) => {
  it('detects a Finnish Excel file, shows how it reads it, and imports the names with their letters', async () => {
    const ws = await env().workspace();
    const up = await upload(env(), ws, 'people', EXCEL);
    assert.equal(up.statusCode, 201, up.body);
    const body = up.json();
    assert.deepEqual(body.format, { encoding: 'windows-1252', delimiter: 'semicolon' });
    assert.deepEqual(body.headers, ['Etunimi', 'Sukunimi', 'Sähköposti']);
    assert.deepEqual(body.preview[1].values, ['Åse', 'Løvås', 'ase@example.no']);
    const start = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${body.id}/start`, headers: ws.headers, payload: { mapping: MAPPING } });
    assert.equal(start.statusCode, 202, start.body);
    const done = await finishImport(env(), ws, body.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    assert.deepEqual(done.format, { encoding: 'windows-1252', delimiter: 'semicolon' });
    assert.deepEqual((await people(env(), ws.workspaceId)).map((p) => p.name), ['Matti Mäkinen', 'Åse Løvås']);
  });

  it('reads an uploaded file again with the separator and encoding the user picks', async () => {
    const ws = await env().workspace();
    // Told wrongly at upload: one column per row, the way a plain comma reader sees such a file.
    const up = (await upload(env(), ws, 'people', EXCEL, 'text/csv', '&delimiter=comma&encoding=utf-8')).json();
    assert.deepEqual(up.format, { encoding: 'utf-8', delimiter: 'comma' });
    assert.equal(up.headers.length, 1);
    const fixed = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/format`, headers: ws.headers, payload: { delimiter: 'semicolon', encoding: 'windows-1252' } });
    assert.equal(fixed.statusCode, 200, fixed.body);
    assert.deepEqual(fixed.json().headers, ['Etunimi', 'Sukunimi', 'Sähköposti']);
    assert.deepEqual(fixed.json().suggestedMapping.Sähköposti, 'email');
    // Leaving both out goes back to detection.
    const detected = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/format`, headers: ws.headers, payload: {} });
    assert.deepEqual(detected.json().format, { encoding: 'windows-1252', delimiter: 'semicolon' });
    const start = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/start`, headers: ws.headers, payload: { mapping: MAPPING } });
    assert.equal(start.statusCode, 202, start.body);
    assert.equal((await finishImport(env(), ws, up.id)).counts.created, 2);
    assert.deepEqual((await people(env(), ws.workspaceId)).map((p) => p.last_name), ['Mäkinen', 'Løvås']);
  });

  it('takes UTF-16 text (Excel "Unicode text") as text, not as a binary file', async () => {
    const ws = await env().workspace();
    const csv = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('First name\tEmail\r\nسارا\tsara@example.com\r\n', 'utf16le')]);
    const up = await upload(env(), ws, 'people', csv);
    assert.equal(up.statusCode, 201, up.body);
    assert.deepEqual(up.json().format, { encoding: 'utf-16le', delimiter: 'tab' });
    assert.deepEqual(up.json().preview[0].values, ['سارا', 'sara@example.com']);
  });

  it('refuses unknown encodings and separators with field errors, a format change once started, and other roles', async () => {
    const ws = await env().workspace();
    const badQuery = await upload(env(), ws, 'people', 'a,b\n1,2\n', 'text/csv', '&encoding=ebcdic&delimiter=%3B');
    assert.equal(badQuery.statusCode, 400);
    assert.ok(badQuery.json().error.fields['query.encoding'], badQuery.body);
    assert.ok(badQuery.json().error.fields['query.delimiter'], badQuery.body);
    const up = (await upload(env(), ws, 'people', 'Name,Email\nA B,a@example.com\n')).json();
    const format = (payload: unknown, headers = ws.headers, id = up.id) =>
      env().app.inject({ method: 'POST', url: `/api/v1/imports/${id}/format`, headers, payload: payload as object });
    const badBody = await format({ delimiter: ';', quote: "'" });
    assert.equal(badBody.statusCode, 400);
    assert.ok(badBody.json().error.fields.delimiter, badBody.body);
    assert.equal((await format({ encoding: 'utf-8' }, await keyFor(env(), ws, 'analyst'))).statusCode, 403);
    assert.equal((await format({}, ws.headers, '00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await format({}, ws.headers, 'not-an-id')).statusCode, 400);
    const start = await env().app.inject({ method: 'POST', url: `/api/v1/imports/${up.id}/start`, headers: ws.headers, payload: { mapping: { Name: 'fullName', Email: 'email' } } });
    assert.equal(start.statusCode, 202, start.body);
    const late = await format({ delimiter: 'semicolon' });
    assert.equal(late.statusCode, 409);
    await finishImport(env(), ws, up.id);
  });
});
