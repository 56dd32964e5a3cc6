export type ImportKind = 'people' | 'companies' | 'orders' | 'payments';

/** Every kind, in the order the wizard and the export links offer them. */
export const IMPORT_KINDS: readonly ImportKind[] = ['people', 'companies', 'orders', 'payments'];

/** Mirrors src/imports/csv-format.ts: how the server reads an uploaded file. */
export const CSV_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'windows-1251'] as const;
export const CSV_DELIMITERS = ['comma', 'semicolon', 'tab', 'pipe'] as const;
export interface CsvFormat {
  encoding: (typeof CSV_ENCODINGS)[number];
  delimiter: (typeof CSV_DELIMITERS)[number];
}

export interface UploadedImport {
  id: string;
  kind: ImportKind;
  format: CsvFormat;
  headers: string[];
  preview: Array<{ line: number; values: string[] }>;
  suggestedMapping: Record<string, string>;
  fields?: string[];
}

export interface ImportStatus {
  id: string;
  kind: ImportKind;
  state: 'uploaded' | 'queued' | 'running' | 'succeeded' | 'failed';
  fileName: string | null;
  error: string | null;
  createdAt: string;
  progress: { rowsDone: number; rowsTotal: number | null; rate: number | null; etaSeconds: number | null; bytesDone: number; bytesTotal: number };
  /** The server may add counts of its own for a kind (merged in beside these); none is shown yet. */
  counts: { created: number; updated: number; unchanged: number; duplicates: number; rejected: number; [extra: string]: number };
}

/** Fields a column can feed, per kind (mirrors src/imports/mapping.ts; the server has the last word). */
export const FIELDS: Record<ImportKind, string[]> = {
  people: ['firstName', 'lastName', 'fullName', 'email', 'email2', 'emails', 'phone', 'phone2', 'phones', 'locale', 'timeZone', 'tags', 'source', 'externalId', 'externalIds', 'birthday', 'company'],
  companies: ['name', 'email', 'email2', 'emails', 'phone', 'phone2', 'phones', 'locale', 'timeZone', 'tags', 'source', 'externalId', 'externalIds'],
  orders: ['externalId', 'customerEmail', 'customerPhone', 'customerExternalId', 'customerFirstName', 'customerLastName', 'orderedAt', 'dueAt', 'status', 'currency', 'sku', 'productName', 'quantity', 'unitPriceMinor'],
  payments: ['externalId', 'customerEmail', 'customerPhone', 'customerExternalId', 'orderNumber', 'amountMinor', 'currency', 'paidAt', 'method'],
};
