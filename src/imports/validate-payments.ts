import { createHash } from 'node:crypto';
import { dateExample, dateOrderFor } from '../contacts/dates.ts';
import { normalizeEmail, normalizePhone } from '../contacts/normalize.ts';
import { MAX_AMOUNT_MINOR } from '../orders/schema.ts';
import type { CsvRecord } from './csv-reader.ts';
import type { ResolvedMapping } from './mapping.ts';
import { cell, columnCountReason, externalIdOf } from './validate-contacts.ts';
import { parseOrderDate } from './validate-orders.ts';

// One CSV record = one payment, checked with the API's limits (orders/schema.ts createPaymentBody)
// and read the way the orders import reads its cells. Whether the order and the customer exist is
// the loader's question (load-payments.ts); this file needs no database.

export interface PaymentRow {
  line: number;
  /** The payment's id in the shop's books: the file's, or one derived from the row (see derivedPaymentId). */
  externalId: string;
  derived: boolean;
  email: string | null;
  phone: string | null;
  /** 'source:id', as the people and orders imports write customer ids (a bare id becomes csv:<id>). */
  customerId: string | null;
  orderNumber: string | null;
  amountMinor: number;
  /** Null (no currency in the row): the named order's currency, else the workspace's, as the API. */
  currency: string | null;
  paidAt: string;
  method: string | null;
}

export interface PaymentContext {
  headers: string[];
  mapping: ResolvedMapping;
  defaultCountry: string;
}

const MAX = { externalId: 200, customerId: 200, orderNumber: 255, method: 200 } as const;

/** A cell quoted in a reason, cut short: a hostile file must not make the report huge. */
const shown = (raw: string) => (raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);

/**
 * A file without payment ids still re-imports as no change: the id is a hash of what makes the
 * payment (who or what it pays, when, how much, in which currency; not the method, which a later
 * file may then correct). The order number names the payment when there is one, else the first of
 * the customer's e-mail, phone or id, so a file that gains a customer column keeps its ids.
 */
export function derivedPaymentId(r: Pick<PaymentRow, 'orderNumber' | 'email' | 'phone' | 'customerId' | 'paidAt' | 'amountMinor' | 'currency'>): string {
  const who =
    r.orderNumber !== null ? `order:${r.orderNumber}` : r.email !== null ? `email:${r.email}` : r.phone !== null ? `phone:${r.phone}` : `external:${r.customerId}`;
  const hash = createHash('sha256').update([who, r.paidAt, String(r.amountMinor), r.currency ?? ''].join('\u0000')).digest('hex');
  return `import:${hash.slice(0, 20)}`;
}

export function validatePayment(ctx: PaymentContext, rec: CsvRecord): PaymentRow | string {
  const wrongCount = columnCountReason(ctx.headers, rec);
  if (wrongCount) return wrongCount;
  const get = (field: string) => cell(rec.fields, ctx.mapping.columns.get(field));

  const given = get('externalId');
  if (given !== null && given.length > MAX.externalId) return `Payment id longer than ${MAX.externalId} characters`;

  let email: string | null = null;
  const emailRaw = get('customerEmail');
  if (emailRaw !== null) {
    const r = normalizeEmail(emailRaw);
    if (!r.ok) return r.reason;
    email = r.value;
  }
  let phone: string | null = null;
  const phoneRaw = get('customerPhone');
  if (phoneRaw !== null) {
    const r = normalizePhone(phoneRaw, ctx.defaultCountry);
    if (!r.ok) return r.reason;
    phone = r.value;
  }
  const idRaw = get('customerExternalId');
  const customerId = idRaw === null ? null : externalIdOf(idRaw);
  if (customerId !== null && customerId.length > MAX.customerId) return `Customer id longer than ${MAX.customerId} characters`;
  const orderNumber = get('orderNumber');
  if (orderNumber !== null && orderNumber.length > MAX.orderNumber) return `Order number longer than ${MAX.orderNumber} characters`;
  if (email === null && phone === null && customerId === null && orderNumber === null) {
    return 'No customer e-mail, phone or id, and no order number: a payment must name who paid or what for';
  }

  const dateRaw = get('paidAt');
  if (dateRaw === null) return 'Payment date is empty';
  const order = dateOrderFor(ctx.defaultCountry);
  const paidAt = parseOrderDate(dateRaw, order);
  if (!paidAt) return `Payment date must be a date (${dateExample(order)}), with a time if you like, or an ISO date-time; got ${shown(dateRaw)}`;

  const amountRaw = get('amountMinor');
  if (amountRaw === null) return 'Amount (minor units) is empty';
  if (/^-\s*\d+$/.test(amountRaw) || /^0+$/.test(amountRaw)) return `Amount must be greater than 0, got ${shown(amountRaw)}`;
  if (!/^\d+$/.test(amountRaw)) return `Amount must be a whole number of minor units (cents), got ${shown(amountRaw)}`;
  const amountMinor = Number(amountRaw);
  if (amountRaw.replace(/^0+/, '').length > 13 || amountMinor > MAX_AMOUNT_MINOR) return `Amount above the limit of ${MAX_AMOUNT_MINOR} minor units`;

  const currencyRaw = get('currency');
  const currency = currencyRaw === null ? null : currencyRaw.toUpperCase();
  if (currency !== null && !/^[A-Z]{3}$/.test(currency)) return `Currency must be a 3-letter code, got ${shown(currencyRaw!)}`;

  const method = get('method');
  if (method !== null && method.length > MAX.method) return `Method longer than ${MAX.method} characters`;

  const row = { line: rec.line, externalId: given ?? '', derived: given === null, email, phone, customerId, orderNumber, amountMinor, currency, paidAt, method };
  if (row.derived) row.externalId = derivedPaymentId(row);
  return row;
}

/**
 * Rows of one batch with the same payment id (given or derived) are one payment. A row repeating
 * an earlier one exactly counts once, reported as a merged duplicate (as the people import
 * reports rows it merges); a row that says something else under the same id is refused, naming
 * the earlier line: two payments under one id, or two alike payments in a file without ids, would
 * otherwise become one without a word. A repeat in a later batch finds the payment the earlier
 * batch wrote and counts as unchanged (or, if it differs, updates it, as importing it again would).
 */
export function dedupePayments(rows: PaymentRow[]): {
  rows: PaymentRow[];
  duplicates: number;
  /** Line of a kept row → the lines repeating it (refused with it if the loader refuses it). */
  repeats: Map<number, number[]>;
  refused: Array<{ line: number; reason: string }>;
} {
  const first = new Map<string, { row: PaymentRow; content: string }>();
  const out: PaymentRow[] = [];
  const refused: Array<{ line: number; reason: string }> = [];
  const repeats = new Map<number, number[]>();
  let duplicates = 0;
  for (const r of rows) {
    const content = JSON.stringify([r.email, r.phone, r.customerId, r.orderNumber, r.amountMinor, r.currency, r.paidAt, r.method]);
    const seen = first.get(r.externalId);
    if (!seen) {
      first.set(r.externalId, { row: r, content });
      out.push(r);
    } else if (seen.content === content) {
      duplicates++;
      const lines = repeats.get(seen.row.line) ?? [];
      lines.push(r.line);
      repeats.set(seen.row.line, lines);
    } else {
      refused.push({
        line: r.line,
        reason: r.derived
          ? `Line ${seen.row.line} is a payment of the same amount at the same time for the same order or customer; to import both, map a payment id column`
          : `Payment id ${shown(r.externalId)} is on line ${seen.row.line} too, with another customer, order, amount, date or method`,
      });
    }
  }
  return { rows: out, duplicates, repeats, refused };
}
