import { calendarDate, dateExample, dateOrderFor, LOCAL_TIME, type DateOrder } from '../contacts/dates.ts';
import { normalizeEmail, normalizePhone } from '../contacts/normalize.ts';
import { DUE_BEFORE_ORDER, dueBeforeOrderDay } from '../orders/schema.ts';
import type { OrderStatus } from '../orders/tables.ts';
import type { CsvRecord } from './csv-reader.ts';
import type { ResolvedMapping } from './mapping.ts';
import { cell, columnCountReason, externalIdOf, type ContactRow } from './validate-contacts.ts';

// One CSV record = one order line; the order number groups lines into orders.

export const ORDER_STATUSES: readonly OrderStatus[] = ['inquiry', 'ordered', 'delivered', 'paid', 'returned', 'cancelled'];

export interface OrderLineRow {
  line: number;
  externalId: string;
  customer: ContactRow;
  orderedAt: string;
  /**
   * The order's own due date; null (an empty cell): the workspace's payment terms apply;
   * undefined: the file has no due-date column, and an existing order keeps the one it has.
   */
  dueAt: string | null | undefined;
  status: OrderStatus;
  currency: string;
  sku: string | null;
  productName: string | null;
  quantity: number;
  unitPriceMinor: number;
}

export interface OrderContext {
  headers: string[];
  mapping: ResolvedMapping;
  defaultCountry: string;
  defaultCurrency: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * ISO dates and date-times, and (with `order`) dates as spreadsheets write them, with or without
 * a time: 31.12.2024 14:30. A time without a zone is read as UTC either way.
 */
export function parseOrderDate(raw: string, order?: DateOrder): string | null {
  const m = DATE_RE.exec(raw);
  if (!m) return order ? localOrderDate(raw, order) : null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${z}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  // Date.parse rolls 2024-02-30 over to March; a real calendar date must read back the same.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
  return new Date(t).toISOString();
}

function localOrderDate(raw: string, order: DateOrder): string | null {
  const [datePart, timePart, ...rest] = raw.trim().split(/\s+|T/);
  if (rest.length > 0 || datePart === undefined) return null;
  const date = calendarDate(datePart, order);
  if (date === null) return null;
  if (timePart === undefined) return `${date}T00:00:00.000Z`;
  const t = LOCAL_TIME.exec(timePart);
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59) return null;
  return `${date}T${t[1].padStart(2, '0')}:${t[2]}:${t[3] ?? '00'}.000Z`;
}

const INT_RE = /^\d{1,15}$/;

export function validateOrderLine(ctx: OrderContext, rec: CsvRecord): OrderLineRow | string {
  const wrongCount = columnCountReason(ctx.headers, rec);
  if (wrongCount) return wrongCount;
  const c = ctx.mapping.columns;
  const get = (field: string) => cell(rec.fields, c.get(field));

  const externalId = get('externalId');
  if (externalId === null) return 'Order number is empty';
  if (externalId.length > 255) return 'Order number longer than 255 characters';

  const emails: string[] = [];
  const phones: string[] = [];
  const externalIds: string[] = [];
  const email = get('customerEmail');
  if (email !== null) {
    const r = normalizeEmail(email);
    if (!r.ok) return r.reason;
    emails.push(r.value);
  }
  const phone = get('customerPhone');
  if (phone !== null) {
    const r = normalizePhone(phone, ctx.defaultCountry);
    if (!r.ok) return r.reason;
    phones.push(r.value);
  }
  const customerId = get('customerExternalId');
  if (customerId !== null) {
    const id = externalIdOf(customerId);
    if (id.length > 200) return 'Customer id longer than 200 characters';
    externalIds.push(id);
  }
  if (emails.length + phones.length + externalIds.length === 0) return 'No customer e-mail, phone or id';

  const dateRaw = get('orderedAt');
  if (dateRaw === null) return 'Order date is empty';
  const order = dateOrderFor(ctx.defaultCountry);
  const orderedAt = parseOrderDate(dateRaw, order);
  if (!orderedAt) return `Order date must be a date (${dateExample(order)}), with a time if you like, or an ISO date-time; got ${dateRaw}`;

  // Read like the order date; the API holds the same rule (orders/schema.ts createOrderBody).
  const dueRaw = get('dueAt');
  const dueAt = !c.has('dueAt') ? undefined : dueRaw === null ? null : parseOrderDate(dueRaw, order);
  if (dueRaw !== null && !dueAt) return `Due date must be a date (${dateExample(order)}), with a time if you like, or an ISO date-time; got ${dueRaw}`;
  if (dueAt && dueBeforeOrderDay(dueAt, orderedAt)) return DUE_BEFORE_ORDER;

  const statusRaw = get('status');
  const status = (statusRaw === null ? 'ordered' : statusRaw.toLowerCase()) as OrderStatus;
  if (!ORDER_STATUSES.includes(status)) return `Unknown status "${statusRaw}" (allowed: ${ORDER_STATUSES.join(', ')})`;

  const currencyRaw = get('currency');
  const currency = currencyRaw === null ? ctx.defaultCurrency : currencyRaw.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return `Currency must be a 3-letter code, got ${currencyRaw}`;

  const sku = get('sku');
  let quantity = 0;
  let unitPriceMinor = 0;
  if (sku !== null) {
    if (sku.length > 100) return 'SKU longer than 100 characters';
    const q = get('quantity');
    if (q !== null && (!INT_RE.test(q) || Number(q) < 1 || Number(q) > 1_000_000)) return `Quantity must be a whole number from 1, got ${q}`;
    quantity = q === null ? 1 : Number(q);
    const p = get('unitPriceMinor');
    if (p === null) return 'Unit price (minor units) is empty';
    if (!INT_RE.test(p)) return `Unit price must be a whole number of minor units (cents), got ${p}`;
    unitPriceMinor = Number(p);
  }
  const productName = get('productName');
  if (productName !== null && productName.length > 300) return 'Product name longer than 300 characters';

  const customer: ContactRow = {
    lines: [rec.line],
    firstName: get('customerFirstName'),
    lastName: get('customerLastName'),
    name: null,
    company: null,
    emails,
    phones,
    externalIds,
    birthday: null,
    locale: null,
    timeZone: null,
    source: null,
    tags: [],
    attributes: {},
  };
  return { line: rec.line, externalId, customer, orderedAt, dueAt, status, currency, sku, productName, quantity, unitPriceMinor };
}
