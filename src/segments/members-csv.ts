import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { normalizeEmail } from '../contacts/normalize.ts';
import { PayloadTooLarge, ValidationError } from '../platform/errors.ts';

// A static list by CSV of e-mails: an "email" (or "e-mail") column if the first row names one,
// else the first column. Unknown and malformed addresses are reported by line, never fatal.

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_CSV_ROWS = 100_000;

export interface CsvEmails {
  emails: Array<{ line: number; email: string }>;
  invalid: Array<{ line: number; value: string; reason: string }>;
}

export async function readCsvBody(body: Readable, limit = MAX_CSV_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new PayloadTooLarge(`CSV body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function emailsFromCsv(text: string): CsvEmails {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw ValidationError.field('body', `Not a readable CSV file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (rows.length > MAX_CSV_ROWS) throw ValidationError.field('body', `At most ${MAX_CSV_ROWS} rows per request`);
  let column = 0;
  let start = 0;
  const header = rows[0]?.findIndex((h) => /^e-?mail( address)?$/i.test(h.trim()));
  if (header !== undefined && header >= 0) {
    column = header;
    start = 1;
  }
  const out: CsvEmails = { emails: [], invalid: [] };
  for (let i = start; i < rows.length; i++) {
    // Lines are 1-based and count the header; skip_empty_lines makes this approximate for files with blank lines.
    const line = i + 1;
    const raw = rows[i][column] ?? '';
    const n = normalizeEmail(raw);
    if (n.ok) out.emails.push({ line, email: n.value });
    else out.invalid.push({ line, value: raw.slice(0, 200), reason: n.reason.slice(0, 300) });
  }
  return out;
}
