import { z } from 'zod';
import { csvFormatChoice } from './csv-format.ts';

// Request shapes for the import and export endpoints.

export const importKind = z.enum(['people', 'companies', 'orders', 'payments']);

/** The file's encoding and separator may be given; what is left out is detected from the file. */
export const uploadQuery = z.object({ kind: importKind, name: z.string().max(255).optional(), ...csvFormatChoice.shape }).strict();

export const formatBody = csvFormatChoice;

export const importParams = z.object({ id: z.uuid('Expected an import id') }).strict();

/** {csvColumn: field}; a field is one of mapping.ts FIELDS, attr.<key>, or '' / 'ignore'. */
export const startBody = z
  .object({
    mapping: z
      .record(z.string().max(500), z.string().max(100))
      .refine((m) => Object.keys(m).length <= 500, 'At most 500 columns'),
  })
  .strict();

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();

/** Comma by default; semicolon for spreadsheets whose decimal mark is a comma. */
export const exportQuery = z.object({ delimiter: csvFormatChoice.shape.delimiter }).strict();

export const exportParams = z.object({ file: z.enum(['people.csv', 'companies.csv', 'orders.csv', 'payments.csv']) }).strict();
