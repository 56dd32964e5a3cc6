import { createReadStream } from 'node:fs';
import { parse, type Parser } from 'csv-parse';
import { CSV_DELIMITERS, sniffCsvFormat, type CsvFormat } from './csv-format.ts';

// Streams a CSV file as batches of records, each tagged with the physical line where it starts.
// csv-parse's own `lines` counter counts a CRLF inside a quoted field as two lines, so lines are
// counted here from the newlines inside each record. Memory stays bounded by one batch plus one
// read chunk, whatever the file size. Files in another encoding than UTF-8 or with another
// separator than ',' are read as their CsvFormat says (src/imports/csv-format.ts).

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A record csv-parse could not read (e.g. a stray quote): reported, not fatal. */
export interface CsvBadRecord {
  line: number;
  reason: string;
  raw: string;
}

export interface CsvBatch {
  records: CsvRecord[];
  bad: CsvBadRecord[];
  /** Bytes of the file up to the end of this batch's last record (for progress by bytes). */
  bytesRead: number;
}

const READ_CHUNK = 1 << 20;

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function recordNewlines(fields: string[]): number {
  let n = 0;
  for (const f of fields) if (f.indexOf('\n') !== -1) n += countNewlines(f);
  return n;
}

function newParser(delimiter: string, onRecord: (fields: string[]) => void, onBad: (reason: string, raw: string) => void): Parser {
  const parser = parse({
    bom: true,
    delimiter,
    relax_quotes: true, // a stray quote inside a field is kept as text rather than derailing the rest of the file
    relax_column_count: true, // column count is checked per record so a short row is reported, not fatal
    skip_records_with_error: true,
    on_skip: (err, raw) => {
      onBad(err?.message ?? 'Unreadable CSV record', raw ?? '');
      return undefined;
    },
  });
  // In flowing mode csv-parse emits 'data' synchronously inside write(), in file order with
  // on_skip; on_record would do the same but builds a context object per record.
  parser.on('data', onRecord);
  return parser;
}

function isEmptyLine(fields: string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

/**
 * Yields the header (first non-empty record) and then batches of records.
 * `skip` drops that many data records first (resuming an import after its last committed batch).
 */
/**
 * A UTF-8 file that is not UTF-8 throughout: bytes the decoder could not read became U+FFFD. The
 * format was detected from the first megabyte; a Windows-1252 name further down would otherwise
 * be stored with its letters replaced, so the row is rejected and says why.
 */
const NOT_UTF8 = 'This row is not valid UTF-8 text: the file may be in another encoding (choose it, e.g. windows-1252, and import again)';

export async function* readCsvBatches(
  path: string,
  opts: { batchSize: number; skip?: number; format?: CsvFormat },
): AsyncGenerator<CsvBatch & { header: string[] | null }> {
  const format = opts.format ?? (await sniffCsvFormat(path));
  // UTF-8 goes to the parser as bytes (no decoding pass of our own); other encodings through a
  // streaming TextDecoder, and the parser then counts UTF-8 bytes of decoded text: positions are
  // scaled back to the file's bytes for progress.
  const decoder = format.encoding === 'utf-8' ? null : new TextDecoder(format.encoding);
  let fileBytes = 0;
  let decodedBytes = 0;
  const filePosition = (parsed: number) => (decoder && decodedBytes > 0 ? Math.round((parsed * fileBytes) / decodedBytes) : parsed);
  let header: string[] | null = null;
  let nextLine = 1;
  let toSkip = opts.skip ?? 0;
  let records: CsvRecord[] = [];
  let bad: CsvBadRecord[] = [];
  let bytesRead = 0;
  // Parser position after each kept record, so a batch knows how far into the file it reaches
  // (the parser runs up to a whole read chunk ahead of the batches).
  let recordEnds: number[] = [];
  let parserRef: Parser | null = null;

  const parser: Parser = newParser(
    CSV_DELIMITERS[format.delimiter],
    (fields) => {
      const line = nextLine;
      nextLine += 1 + recordNewlines(fields);
      if (isEmptyLine(fields)) return;
      if (header === null) {
        header = fields.map((h) => h.trim());
        return;
      }
      if (toSkip > 0) {
        toSkip--;
        return;
      }
      if (!decoder && fields.some((f) => f.includes('\uFFFD'))) {
        bad.push({ line, reason: NOT_UTF8, raw: fields.join(CSV_DELIMITERS[format.delimiter]) });
        return;
      }
      records.push({ line, fields });
      recordEnds.push(filePosition(parserRef ? parserRef.info.bytes : 0));
    },
    (reason, raw) => {
      const line = nextLine;
      nextLine += countNewlines(raw.replace(/\r?\n$/, '')) + 1;
      if (toSkip > 0) {
        toSkip--;
        return;
      }
      bad.push({ line, reason, raw: raw.replace(/\r?\n$/, '') });
    },
  );
  parserRef = parser;
  const failed = new Promise<never>((_, reject) => parser.once('error', reject));
  failed.catch(() => undefined);

  const file = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      let input: Buffer | string = chunk;
      if (decoder) {
        input = decoder.decode(chunk, { stream: true });
        fileBytes += chunk.length;
        decodedBytes += Buffer.byteLength(input);
      }
      if (!parser.write(input)) await Promise.race([new Promise((r) => parser.once('drain', r)), failed]);
      for (;;) {
        if (records.length < opts.batchSize) break;
        const all = records;
        const badNow = bad;
        records = all.slice(opts.batchSize);
        const reached = recordEnds[opts.batchSize - 1];
        recordEnds = recordEnds.slice(opts.batchSize);
        bad = [];
        yield { header, records: all.slice(0, opts.batchSize), bad: badNow, bytesRead: reached };
      }
    }
    if (decoder) {
      const rest = decoder.decode();
      if (rest) parser.write(rest);
    }
    parser.end();
    await Promise.race([new Promise((r) => parser.once('end', r)), failed]);
    // Always a final batch, possibly empty, so an empty file still reports its (missing) header.
    yield { header, records, bad, bytesRead };
  } finally {
    file.destroy();
  }
}

/** Reads only the header and the first `n` records (for the upload preview). */
export async function previewCsv(path: string, n: number, format?: CsvFormat): Promise<{ header: string[]; rows: CsvRecord[] }> {
  for await (const batch of readCsvBatches(path, { batchSize: n, format })) {
    return { header: batch.header ?? [], rows: batch.records.slice(0, n) };
  }
  return { header: [], rows: [] };
}
