import { open } from 'node:fs/promises';
import { z } from 'zod';

// How a CSV file is read: its text encoding and field separator. Spreadsheets save CSV the way the
// computer's locale says: Excel in Finnish, Norwegian, Russian or German uses ';' between fields
// (',' is their decimal mark), older versions write Windows-1252 or Windows-1251 rather than
// UTF-8, and "Unicode text" is UTF-16 with tabs. Read as UTF-8 with commas, such a file becomes one
// column per row, or names with ä and ö silently turned into replacement characters. So the format
// is detected from the start of the file, shown to the user, and can be overridden.

export const CSV_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'windows-1251'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** Separators by name: a tab is awkward to type in a query string or a shell. */
export const CSV_DELIMITERS = { comma: ',', semicolon: ';', tab: '\t', pipe: '|' } as const;
export type CsvDelimiterName = keyof typeof CSV_DELIMITERS;

export interface CsvFormat {
  encoding: CsvEncoding;
  delimiter: CsvDelimiterName;
}

/** What the user may choose; anything left out is detected. */
export const csvFormatChoice = z
  .object({
    encoding: z.enum(CSV_ENCODINGS, { error: `Expected one of ${CSV_ENCODINGS.join(', ')}` }).optional(),
    delimiter: z.enum(Object.keys(CSV_DELIMITERS) as [CsvDelimiterName, ...CsvDelimiterName[]], { error: 'Expected comma, semicolon, tab or pipe' }).optional(),
  })
  .strict();
export type CsvFormatChoice = z.infer<typeof csvFormatChoice>;

/** Bytes read to detect the format: enough for many rows, little next to a file of millions. */
const SNIFF_BYTES = 1 << 20;

function bomEncoding(head: Buffer): CsvEncoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

function isUtf8(head: Buffer): boolean {
  try {
    // stream: a character cut in two by the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Windows-1251 (Cyrillic) or Windows-1252 (western European), for text that is not UTF-8. Both put
 * letters in 0xC0–0xFF, but Cyrillic words are made of them while Finnish or Norwegian words have
 * one here and there (Mäkinen, Pääkkönen, Søren): runs of three or more decide.
 */
function legacyEncoding(head: Buffer): CsvEncoding {
  let high = 0;
  let inRuns = 0;
  let run = 0;
  const endRun = () => {
    if (run >= 3) inRuns += run;
    run = 0;
  };
  for (const b of head) {
    if (b >= 0xc0) {
      high++;
      run++;
    } else endRun();
  }
  endRun();
  return high > 0 && inRuns / high > 0.5 ? 'windows-1251' : 'windows-1252';
}

export function detectEncoding(head: Buffer): CsvEncoding {
  return bomEncoding(head) ?? (isUtf8(head) ? 'utf-8' : legacyEncoding(head));
}

/** Counts a separator per line outside quoted fields, over the first few lines. */
function countsPerLine(text: string, ch: string, maxLines: number): number[] {
  const counts: number[] = [];
  let n = 0;
  let quoted = false;
  for (let i = 0; i < text.length && counts.length < maxLines; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) n++;
    else if (!quoted && c === '\n') {
      counts.push(n);
      n = 0;
    }
  }
  if (counts.length < maxLines && n > 0) counts.push(n);
  return counts;
}

/**
 * The separator that splits the header into the most columns, preferring one that splits the
 * rows below into as many (a header "Name;Street, number" is two columns, not a comma split).
 */
export function detectDelimiter(text: string): CsvDelimiterName {
  const body = text.replace(/^\uFEFF/, '');
  let best: { name: CsvDelimiterName; header: number; steady: boolean } | null = null;
  for (const [name, ch] of Object.entries(CSV_DELIMITERS) as [CsvDelimiterName, string][]) {
    const counts = countsPerLine(body, ch, 6);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    // The last line of the sample may be cut short, so it does not count against steadiness.
    const rows = counts.slice(1, -1);
    const steady = rows.length === 0 || rows.every((c) => c === header);
    if (!best || (steady && !best.steady) || (steady === best.steady && header > best.header)) best = { name, header, steady };
  }
  return best?.name ?? 'comma';
}

export function decodeSample(head: Buffer, encoding: CsvEncoding): string {
  return new TextDecoder(encoding).decode(head, { stream: true });
}

/** The format of a file: what the user chose, the rest detected from its first megabyte. */
export async function sniffCsvFormat(path: string, choice: CsvFormatChoice = {}): Promise<CsvFormat> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const encoding = choice.encoding ?? detectEncoding(head);
  const delimiter = choice.delimiter ?? detectDelimiter(decodeSample(head, encoding));
  return { encoding, delimiter };
}

/** Stored formats are read back through the schema: an import row written by hand cannot inject options. */
export function storedFormat(value: unknown): CsvFormatChoice {
  const parsed = csvFormatChoice.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}
