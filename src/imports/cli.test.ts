import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { forEachEngine } from '../../test/support/harness.ts';
import { runExportCommand, runImportCommand } from './cli.ts';
import { people } from './test-helpers.ts';

function sink() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => (text += d));
  return { stream: s, text: () => text };
}

forEachEngine('rapport import / export', (env) => {
  it('imports a file in batches, maps by header names, and writes the rejected rows next to it', async () => {
    const ws = await env().workspace();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    const file = join(dir, 'people.csv');
    writeFileSync(file, '\uFEFFFirst name,Last name,E-mail,Phone\r\nAnna,V,anna@example.com,040 123 4567\r\nB,Bad,nope,\r\nC,C,c@example.com,\r\nD,D,d@example.com,\r\n');
    const out = sink();
    const r = await runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId], { out: out.stream, progress: new PassThrough(), batchSize: 2 });
    assert.equal(r.counts.created, 3);
    assert.equal(r.counts.rejected, 1);
    assert.equal(r.rejectedPath, `${file}.rejected.csv`);
    const rejected: string[][] = parse(readFileSync(r.rejectedPath!), { bom: true });
    assert.deepEqual(rejected[1].slice(0, 1), ['3']);
    assert.equal(rejected[1][2], 'B,Bad,nope,');
    assert.match(out.text(), /created 3.*rejected 1/);
    assert.match(out.text(), /people\.csv\.rejected\.csv/);
    assert.deepEqual((await people(env(), ws.workspaceId)).map((p) => p.name), ['Anna V', 'C C', 'D D']);
  });

  it('takes an explicit --map and refuses one that names unknown fields', async () => {
    const ws = await env().workspace();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    const file = join(dir, 'p.csv');
    writeFileSync(file, 'Etu,Suku,Posti\nMaija,M,maija@example.fi\n');
    const r = await runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId, '--map', 'Etu=firstName,Suku=lastName,Posti=email'], { out: new PassThrough(), progress: new PassThrough() });
    assert.equal(r.counts.created, 1);
    await assert.rejects(
      runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId, '--map', 'Etu=firstName,Posti=salary'], { out: new PassThrough(), progress: new PassThrough() }),
      /Unknown field "salary"/,
    );
    await assert.rejects(runImportCommand(env().engine, ['sheep', file], { out: new PassThrough() }), /Usage/);
  });

  it('reads a Russian Excel file (Windows-1251, semicolons) as detected, or as --encoding and --delimiter say', async () => {
    const ws = await env().workspace();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    const file = join(dir, 'ru.csv');
    // Windows-1251 puts А–я at 0xC0–0xFF.
    const cp1251 = (t: string) => Buffer.from([...t].map((c) => (c >= 'А' && c <= 'я' ? c.charCodeAt(0) - 0x410 + 0xc0 : c.charCodeAt(0))));
    writeFileSync(file, cp1251('Имя;Фамилия;Почта\r\nИван;Петров;ivan@example.ru\r\nОльга;Смирнова;olga@example.ru\r\n'));
    const map = 'Имя=firstName,Фамилия=lastName,Почта=email';
    const out = sink();
    const r = await runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId, '--map', map], { out: out.stream, progress: new PassThrough() });
    assert.equal(r.counts.created, 2);
    assert.match(out.text(), /Read as windows-1251, fields separated by semicolon/);
    assert.deepEqual((await people(env(), ws.workspaceId)).map((p) => p.name), ['Иван Петров', 'Ольга Смирнова']);
    // Told otherwise, the header is one column and the mapping names columns that are not there.
    await assert.rejects(
      runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId, '--map', map, '--delimiter', 'comma'], { out: new PassThrough(), progress: new PassThrough() }),
      /Имя/,
    );
    await assert.rejects(
      runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId, '--encoding', 'ebcdic'], { out: new PassThrough() }),
      /--encoding: Expected one of utf-8/,
    );
  });

  it('exports to a file or stdout', async () => {
    const ws = await env().workspace();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    const file = join(dir, 'p.csv');
    writeFileSync(file, 'First name,Email,Phone\nAnna,anna@example.com,+358401234567\n');
    await runImportCommand(env().engine, ['people', file, '--workspace', ws.workspaceId], { out: new PassThrough(), progress: new PassThrough() });
    const outFile = join(dir, 'out.csv');
    await runExportCommand(env().engine, ['people', '--out', outFile, '--workspace', ws.workspaceId], new PassThrough());
    const rows: string[][] = parse(readFileSync(outFile), { bom: true });
    assert.equal(rows[1][rows[0].indexOf('Phone')], "'+358401234567");
    const stdout = sink();
    await runExportCommand(env().engine, ['people', '--workspace', ws.workspaceId], stdout.stream);
    assert.match(stdout.text(), /anna@example\.com/);
  });
});
