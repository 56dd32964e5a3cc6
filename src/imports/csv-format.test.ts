import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { detectDelimiter, detectEncoding, sniffCsvFormat } from './csv-format.ts';
import { readCsvBatches } from './csv-reader.ts';

// Files as spreadsheets in the users' languages save them. Node's TextDecoder reads the legacy
// code pages; these helpers write them byte by byte so the fixtures do not depend on an encoder.
const CP1252: Record<string, number> = { ä: 0xe4, ö: 0xf6, å: 0xe5, Ä: 0xc4, Ö: 0xd6, ø: 0xf8, æ: 0xe6, é: 0xe9 };
const cp1252 = (s: string) => Buffer.from([...s].map((c) => CP1252[c] ?? c.charCodeAt(0)));
/** А–я are 0xC0–0xFF in Windows-1251; Ё/ё are 0xA8/0xB8. */
const cp1251 = (s: string) =>
  Buffer.from(
    [...s].map((c) => {
      const code = c.charCodeAt(0);
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      if (c === 'Ё') return 0xa8;
      if (c === 'ё') return 0xb8;
      return code;
    }),
  );
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rapport-csvfmt-')), 'f.csv');
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, batchSize = 2) {
  const records: string[][] = [];
  const bad: Array<{ line: number; reason: string }> = [];
  const positions: number[] = [];
  let header: string[] | null = null;
  for await (const b of readCsvBatches(path, { batchSize })) {
    header = b.header;
    records.push(...b.records.map((r) => r.fields));
    bad.push(...b.bad);
    positions.push(b.bytesRead);
  }
  return { header, records, bad, positions };
}

const FINNISH_EXCEL = 'Etunimi;Sukunimi;Sähköposti;Kaupunki\r\nMatti;Mäkinen;matti@example.fi;Jyväskylä\r\nPäivi;Pääkkönen;paivi@example.fi;"Hämeenlinna; keskusta"\r\nSøren;Ærø;soren@example.no;Tromsø\r\n';
const RUSSIAN_EXCEL = 'Имя;Фамилия;Почта\r\nИван;Петров;ivan@example.ru\r\nОльга;Смирнова;olga@example.ru\r\nПётр;Ёлкин;petr@example.ru\r\n';

it('tells UTF-8, UTF-16 with its byte order mark, Windows-1252 and Windows-1251 apart', () => {
  assert.equal(detectEncoding(Buffer.from('a,b\nÄiti,Ыы\n')), 'utf-8');
  assert.equal(detectEncoding(Buffer.from('\uFEFFa,b\n')), 'utf-8');
  assert.equal(detectEncoding(utf16le('a\tb\n')), 'utf-16le');
  assert.equal(detectEncoding(utf16be('a\tb\n')), 'utf-16be');
  assert.equal(detectEncoding(cp1252(FINNISH_EXCEL)), 'windows-1252');
  assert.equal(detectEncoding(cp1251(RUSSIAN_EXCEL)), 'windows-1251');
  assert.equal(detectEncoding(Buffer.from('plain,ascii\n1,2\n')), 'utf-8');
});

it('picks the separator that splits the header and the rows alike, ignoring separators inside quotes', () => {
  assert.equal(detectDelimiter('a,b,c\n1,2,3\n'), 'comma');
  assert.equal(detectDelimiter(FINNISH_EXCEL), 'semicolon');
  assert.equal(detectDelimiter('Name\tE-mail\nA, B\ta@example.com\n'), 'tab');
  assert.equal(detectDelimiter('a|b\n1|2\n'), 'pipe');
  // One comma in the header and one semicolon: the rows decide.
  assert.equal(detectDelimiter('Name;Street, number\nAnna;Main st 1\nBo;"Side, 2"\n'), 'semicolon');
  assert.equal(detectDelimiter('"Last; first",Email\n"Doe; J",j@example.com\n'), 'comma');
  assert.equal(detectDelimiter('Email\nx@example.com\n'), 'comma');
});

it('reads a Finnish Excel file (Windows-1252, semicolons, CRLF) with its letters intact', async () => {
  const path = file(cp1252(FINNISH_EXCEL));
  assert.deepEqual(await sniffCsvFormat(path), { encoding: 'windows-1252', delimiter: 'semicolon' });
  const r = await readAll(path);
  assert.deepEqual(r.header, ['Etunimi', 'Sukunimi', 'Sähköposti', 'Kaupunki']);
  assert.deepEqual(r.records, [
    ['Matti', 'Mäkinen', 'matti@example.fi', 'Jyväskylä'],
    ['Päivi', 'Pääkkönen', 'paivi@example.fi', 'Hämeenlinna; keskusta'],
    ['Søren', 'Ærø', 'soren@example.no', 'Tromsø'],
  ]);
  assert.deepEqual(r.bad, []);
  // Progress positions are in the file's bytes, whatever the decoded text measures.
  const size = statSync(path).size;
  assert.equal(r.positions.at(-1), size);
  assert.ok(r.positions.every((p) => p > 0 && p <= size), String(r.positions));
});

it('reads a Russian Excel file (Windows-1251) and Excel "Unicode text" (UTF-16, tabs)', async () => {
  const ru = await readAll(file(cp1251(RUSSIAN_EXCEL)));
  assert.deepEqual(ru.header, ['Имя', 'Фамилия', 'Почта']);
  assert.deepEqual(ru.records.map((f) => f[1]), ['Петров', 'Смирнова', 'Ёлкин']);
  const text = 'Nimi\tSähköposti\tکد\r\nسارا محمدی\tsara@example.com\t۱۲\r\nÅse\tase@example.no\t7\r\n';
  for (const bytes of [utf16le(text), utf16be(text)]) {
    const r = await readAll(file(bytes));
    assert.deepEqual(r.header, ['Nimi', 'Sähköposti', 'کد']);
    assert.deepEqual(r.records, [['سارا محمدی', 'sara@example.com', '۱۲'], ['Åse', 'ase@example.no', '7']]);
  }
});

it('rejects, with the reason, a row that is not UTF-8 in a file that began as UTF-8, and keeps the rest', async () => {
  // Detection reads the first megabyte; the stray Windows-1252 name comes after it.
  const filler = Array.from({ length: 45_000 }, (_, i) => `Person ${i},p${i}@example.com`).join('\n');
  assert.ok(filler.length > 1 << 20);
  const path = file(Buffer.concat([Buffer.from(`Name,Email\n${filler}\n`), cp1252('Mäkinen,m@example.fi\n'), Buffer.from('Last,last@example.com\n')]));
  assert.equal((await sniffCsvFormat(path)).encoding, 'utf-8');
  const r = await readAll(path, 5000);
  assert.equal(r.records.length, 45_001);
  assert.deepEqual(r.records.at(-1), ['Last', 'last@example.com']);
  assert.deepEqual(r.bad.map((b) => b.line), [45_002]);
  assert.match(r.bad[0].reason, /not valid UTF-8.*windows-1252/);
});

it('reads the file as the user chose when they say how', async () => {
  const path = file('a;b,c\n1;2,3\n');
  assert.deepEqual(await sniffCsvFormat(path, { delimiter: 'comma' }), { encoding: 'utf-8', delimiter: 'comma' });
  const r = [];
  for await (const b of readCsvBatches(path, { batchSize: 10, format: { encoding: 'utf-8', delimiter: 'comma' } })) r.push(...b.records.map((x) => x.fields));
  assert.deepEqual(r, [['1;2', '3']]);
});
