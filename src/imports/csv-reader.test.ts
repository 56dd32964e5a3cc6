import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { readCsvBatches } from './csv-reader.ts';

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rapport-csv-')), 'f.csv');
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, batchSize = 2) {
  const records: Array<{ line: number; fields: string[] }> = [];
  const bad: Array<{ line: number; reason: string }> = [];
  let header: string[] | null = null;
  for await (const b of readCsvBatches(path, { batchSize })) {
    header = b.header;
    records.push(...b.records);
    bad.push(...b.bad);
  }
  return { header, records, bad };
}

it('numbers records by the physical line they start on, through BOM, CRLF, quoted CRLF and blank lines', async () => {
  const r = await readAll(file('\uFEFFa,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n4,5,6\r\nИван,"Ко""ля"\r\nسلام,x\r\n"bad"x,1\r\n7,8'));
  assert.deepEqual(r.header, ['a', 'b']);
  assert.deepEqual(
    r.records.map((x) => [x.line, x.fields]),
    [
      [2, ['1', '2']],
      [3, ['x\r\ny', '3']],
      [6, ['4', '5', '6']],
      [7, ['Иван', 'Ко"ля']],
      [8, ['سلام', 'x']],
      [9, ['"bad"x', '1']],
      [10, ['7', '8']],
    ],
  );
});

it('reports an unclosed quote as a bad record with its line instead of failing the file', async () => {
  const r = await readAll(file('a,b\n1,2\n3,"4\n5,6\n'));
  assert.deepEqual(r.records.map((x) => x.line), [2]);
  assert.equal(r.bad.length, 1);
  assert.equal(r.bad[0].line, 3);
  assert.match(r.bad[0].reason, /Quote Not Closed/);
});

it('resumes after a number of records and yields bounded batches', async () => {
  const lines = ['h'];
  for (let i = 0; i < 25; i++) lines.push(String(i));
  const path = file(lines.join('\n'));
  const sizes: number[] = [];
  const seen: string[] = [];
  const reached: number[] = [];
  for await (const b of readCsvBatches(path, { batchSize: 10, skip: 5 })) {
    sizes.push(b.records.length);
    reached.push(b.bytesRead);
    seen.push(...b.records.map((x) => x.fields[0]));
  }
  assert.ok(sizes.every((s) => s <= 10));
  assert.ok(reached[0] < reached.at(-1)!, 'progress by bytes follows the batches, not the read-ahead');
  assert.equal(reached.at(-1), lines.join('\n').length);
  assert.equal(seen[0], '5');
  assert.equal(seen.length, 20);
});

it('gives an empty file no header', async () => {
  assert.equal((await readAll(file(''))).header, null);
  assert.equal((await readAll(file('\r\n\r\n'))).header, null);
});
