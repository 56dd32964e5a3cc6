import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { CSV_DELIMITERS, type CsvDelimiterName } from './csv-format.ts';
import type { ImportKind } from './tables.ts';

// CSV exports, streamed in keyset pages so a million contacts never sit in memory.
//
// CSV injection (OWASP): a cell starting with = + - @ tab or CR is a formula to a spreadsheet,
// so it gets a leading apostrophe. Phone numbers are E.164 ("+358…") and get one too; the
// importer strips exactly that apostrophe again (validate-contacts.ts unneutralise), so an
// export re-imports losslessly while a spreadsheet shows the text instead of evaluating it.
//
// Keyset cursors carry timestamps as PostgreSQL text: a JS Date keeps milliseconds only, and rows
// loaded in one transaction share a microsecond now(), so a Date cursor would repeat or skip rows.

const PAGE = 2000;
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}

export function csvCell(v: unknown, sep = ','): string {
  if (v === null || v === undefined) return '';
  const s = neutralise(v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return /["\r\n]/.test(s) || s.includes(sep) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Rows separated by the chosen character: a spreadsheet in a locale whose decimal mark is ','
 * (Finnish, Norwegian, Russian, German Excel) opens a comma file as one column per row, a
 * semicolon file as columns.
 */
function rowWriter(delimiter: CsvDelimiterName): (values: unknown[]) => string {
  const sep = CSV_DELIMITERS[delimiter];
  return (values) => values.map((v) => csvCell(v, sep)).join(sep) + '\r\n';
}

/** UTF-8 byte order mark: spreadsheets then read Cyrillic and Persian names correctly. */
const BOM = '\uFEFF';

const dateOnly = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d == null ? null : String(d).slice(0, 10));

export async function* exportCsv(db: Executor, workspaceId: string, kind: ImportKind, delimiter: CsvDelimiterName = 'comma'): AsyncGenerator<string> {
  const csvRow = rowWriter(delimiter);
  if (kind === 'orders') yield* exportOrders(db, workspaceId, csvRow);
  else if (kind === 'payments') yield* exportPayments(db, workspaceId, csvRow);
  else yield* exportContacts(db, workspaceId, kind, csvRow);
}

type RowWriter = ReturnType<typeof rowWriter>;

async function* exportContacts(db: Executor, workspaceId: string, kind: 'people' | 'companies', csvRow: RowWriter): AsyncGenerator<string> {
  const defs = await db
    .selectFrom('attribute_definitions')
    .select('key')
    .where('workspace_id', '=', workspaceId)
    .where('applies_to', 'in', [kind === 'people' ? 'person' : 'company', 'both'])
    .orderBy('key')
    .execute();
  const attrKeys = defs.map((d) => d.key);
  const common = ['Email', 'Other emails', 'Phone', 'Other phones', 'Locale', 'Time zone', 'Tags', 'Source', 'External ID', 'Other external IDs'];
  const head = kind === 'people' ? ['First name', 'Last name', ...common, 'Birthday', 'Company'] : ['Name', ...common];
  yield BOM + csvRow([...head, ...attrKeys.map((k) => `attr.${k}`)]);

  let after: { at: string; id: string } | null = null;
  for (;;) {
    let q = db
      .selectFrom('contacts as c')
      .leftJoin('contacts as co', (j) => j.onRef('co.id', '=', 'c.company_id').on('co.workspace_id', '=', workspaceId))
      .select([
        'c.id', sql<string>`c.created_at::text`.as('at'), 'c.first_name', 'c.last_name', 'c.name', 'c.emails', 'c.phones', 'c.external_ids', 'c.locale',
        'c.time_zone', 'c.birthday', 'c.source', 'c.tags', 'c.attributes', 'co.name as company_name',
      ])
      .where('c.workspace_id', '=', workspaceId)
      .where('c.kind', '=', kind === 'people' ? 'person' : 'company')
      .where('c.merged_into', 'is', null)
      .where('c.deleted_at', 'is', null);
    if (after) {
      const a = after;
      q = q.where(sql<boolean>`(c.created_at, c.id) > (${a.at}::timestamptz, ${a.id}::uuid)`);
    }
    const rows = await q.orderBy('c.created_at').orderBy('c.id').limit(PAGE).execute();
    let chunk = '';
    for (const r of rows) {
      const emails = r.emails ?? [];
      const phones = r.phones ?? [];
      const ext = r.external_ids ?? [];
      const commonValues = [
        emails[0], emails.slice(1).join(';'), phones[0], phones.slice(1).join(';'), r.locale, r.time_zone,
        (r.tags ?? []).join(';'), r.source, ext[0], ext.slice(1).join(';'),
      ];
      const attrs = (r.attributes ?? {}) as Record<string, unknown>;
      const attrValues = attrKeys.map((k) => attrs[k]);
      chunk += csvRow(
        kind === 'people'
          ? [r.first_name, r.last_name, ...commonValues, dateOnly(r.birthday), r.company_name, ...attrValues]
          : [r.name, ...commonValues, ...attrValues],
      );
    }
    if (chunk) yield chunk;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    after = { at: last.at, id: last.id };
  }
}

async function* exportOrders(db: Executor, workspaceId: string, csvRow: RowWriter): AsyncGenerator<string> {
  // 'Due date' holds the order's own due date only, empty where the workspace's terms apply, so a
  // re-import (which maps the header to dueAt) leaves those orders following the terms.
  yield BOM + csvRow(['Order number', 'Ordered at', 'Due date', 'Status', 'Currency', 'Customer email', 'Customer phone', 'Customer ID', 'SKU', 'Product', 'Quantity', 'Unit price (minor)']);
  let after: { at: string; id: string } | null = null;
  for (;;) {
    let q = db
      .selectFrom('orders as o')
      .innerJoin('contacts as c', 'c.id', 'o.contact_id')
      .select(['o.id', sql<string>`o.ordered_at::text`.as('at'), 'o.external_id', 'o.ordered_at', 'o.due_at', 'o.status', 'o.currency', 'c.emails', 'c.phones', 'c.external_ids'])
      .where('o.workspace_id', '=', workspaceId)
      .where('c.workspace_id', '=', workspaceId);
    if (after) {
      const a = after;
      q = q.where(sql<boolean>`(o.ordered_at, o.id) > (${a.at}::timestamptz, ${a.id}::uuid)`);
    }
    const orders = await q.orderBy('o.ordered_at').orderBy('o.id').limit(PAGE).execute();
    if (orders.length === 0) return;
    const lines = await db
      .selectFrom('order_lines')
      .select(['order_id', 'sku', 'name', 'quantity', 'unit_price_minor'])
      .where('workspace_id', '=', workspaceId)
      .where('order_id', 'in', orders.map((o) => o.id))
      .orderBy('order_id')
      .orderBy('sku')
      .execute();
    const byOrder = new Map<string, typeof lines>();
    for (const l of lines) {
      const list = byOrder.get(l.order_id) ?? [];
      list.push(l);
      byOrder.set(l.order_id, list);
    }
    let chunk = '';
    for (const o of orders) {
      const head = [o.external_id ?? o.id, o.ordered_at, o.due_at, o.status, o.currency, o.emails?.[0], o.phones?.[0], o.external_ids?.[0]];
      const ls = byOrder.get(o.id) ?? [];
      if (ls.length === 0) chunk += csvRow([...head, null, null, null, null]);
      for (const l of ls) chunk += csvRow([...head, l.sku, l.name, l.quantity, String(l.unit_price_minor)]);
    }
    yield chunk;
    if (orders.length < PAGE) return;
    const last = orders[orders.length - 1];
    after = { at: last.at, id: last.id };
  }
}

/**
 * Headers the payments import maps by itself. A payment without an id of its own gets Rapport's,
 * which the importer looks up again (load-payments.ts), and an order without a number its id, as
 * the orders export writes it: so export → import creates nothing in the same workspace and the
 * same payments, on the same orders, in another one holding the exported customers and orders.
 */
async function* exportPayments(db: Executor, workspaceId: string, csvRow: RowWriter): AsyncGenerator<string> {
  yield BOM + csvRow(['Payment id', 'Paid at', 'Amount (minor)', 'Currency', 'Method', 'Order number', 'Customer email', 'Customer phone', 'Customer ID']);
  let after: { at: string; id: string } | null = null;
  for (;;) {
    let q = db
      .selectFrom('payments as p')
      .innerJoin('contacts as c', 'c.id', 'p.contact_id')
      .leftJoin('orders as o', (j) => j.onRef('o.id', '=', 'p.order_id').on('o.workspace_id', '=', workspaceId))
      .select([
        'p.id', sql<string>`p.paid_at::text`.as('at'), 'p.external_id', 'p.paid_at', 'p.amount_minor', 'p.currency', 'p.method',
        'p.order_id', 'o.external_id as order_number', 'c.emails', 'c.phones', 'c.external_ids',
      ])
      .where('p.workspace_id', '=', workspaceId)
      .where('c.workspace_id', '=', workspaceId);
    if (after) {
      const a = after;
      q = q.where(sql<boolean>`(p.paid_at, p.id) > (${a.at}::timestamptz, ${a.id}::uuid)`);
    }
    const rows = await q.orderBy('p.paid_at').orderBy('p.id').limit(PAGE).execute();
    let chunk = '';
    for (const r of rows) {
      const order = r.order_id === null ? null : (r.order_number ?? r.order_id);
      chunk += csvRow([r.external_id ?? r.id, r.paid_at, String(r.amount_minor), r.currency, r.method, order, r.emails?.[0], r.phones?.[0], r.external_ids?.[0]]);
    }
    if (chunk) yield chunk;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    after = { at: last.at, id: last.id };
  }
}
