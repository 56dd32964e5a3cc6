import { ValidationError, type FieldErrors } from '../platform/errors.ts';
import type { ImportKind } from './tables.ts';

// What a CSV column can feed, per import kind, and the guess made from header names.
// A mapping is {csvColumn: field}; unmapped columns are ignored. `attr.<key>` feeds a custom
// attribute that must be defined in the workspace.

const CONTACT_COMMON = ['email', 'email2', 'emails', 'phone', 'phone2', 'phones', 'locale', 'timeZone', 'tags', 'source', 'externalId', 'externalIds'] as const;

export const FIELDS: Record<ImportKind, readonly string[]> = {
  people: ['firstName', 'lastName', 'fullName', ...CONTACT_COMMON, 'birthday', 'company'],
  companies: ['name', ...CONTACT_COMMON],
  orders: [
    'externalId',
    'customerEmail',
    'customerPhone',
    'customerExternalId',
    'customerFirstName',
    'customerLastName',
    'orderedAt',
    'dueAt',
    'status',
    'currency',
    'sku',
    'productName',
    'quantity',
    'unitPriceMinor',
  ],
  // One row per payment (validate-payments.ts); orderNumber is the order's external id.
  payments: ['externalId', 'customerEmail', 'customerPhone', 'customerExternalId', 'orderNumber', 'amountMinor', 'currency', 'paidAt', 'method'],
};

/** Kinds that load contacts, and so take custom attributes (attr.<key>) and the contact synonyms. */
export function isContactKind(kind: ImportKind): kind is 'people' | 'companies' {
  return kind === 'people' || kind === 'companies';
}

/** Header spellings (normalised: lower case, letters and digits only) that suggest each field. */
const SYNONYMS: Record<ImportKind, Record<string, string[]>> = {
  people: {
    firstName: ['firstname', 'first', 'givenname', 'forename', 'etunimi', 'имя', 'fornavn'],
    lastName: ['lastname', 'last', 'surname', 'familyname', 'sukunimi', 'фамилия', 'etternavn'],
    fullName: ['name', 'fullname', 'nimi', 'navn'],
    company: ['company', 'companyname', 'organisation', 'organization', 'yritys', 'firma'],
    birthday: ['birthday', 'birthdate', 'dateofbirth', 'dob', 'syntymäpäivä'],
  },
  companies: {
    name: ['name', 'company', 'companyname', 'organisation', 'organization', 'yritys', 'firma'],
  },
  orders: {
    externalId: ['ordernumber', 'orderno', 'orderid', 'order', 'externalid', 'tilausnumero'],
    customerEmail: ['customeremail', 'email', 'emailaddress', 'buyeremail'],
    customerPhone: ['customerphone', 'phone', 'phonenumber', 'mobile'],
    customerExternalId: ['customerid', 'customerexternalid', 'customernumber'],
    customerFirstName: ['customerfirstname', 'firstname'],
    customerLastName: ['customerlastname', 'lastname'],
    orderedAt: ['orderedat', 'orderdate', 'date', 'createdat', 'placedat'],
    // "Eräpäivä", "Forfallsdato", "Срок оплаты", "Оплатить до" as spreadsheets head them.
    dueAt: ['duedate', 'dueat', 'due', 'paymentdue', 'paymentduedate', 'dueon', 'eräpäivä', 'forfallsdato', 'forfall', 'forfallsdag', 'срокоплаты', 'оплатитьдо'],
    status: ['status', 'orderstatus'],
    currency: ['currency'],
    sku: ['sku', 'productsku', 'productcode', 'itemsku'],
    productName: ['productname', 'product', 'item', 'itemname', 'title'],
    quantity: ['quantity', 'qty', 'amount', 'count'],
    unitPriceMinor: ['unitpriceminor', 'priceminor', 'unitpricecents', 'pricecents'],
  },
  // English, Finnish, Norwegian and Russian, as a shop's or bank's export heads them. Left out on
  // purpose: a bare "Amount" / "Summa" / "Beløp" / "Сумма" (usually major units: 1290 read as cents
  // would be a hundredth of the money, silently), and "Reference" / "Viite" / "KID" (on bank
  // statements the invoice's reference, which every part payment of one invoice repeats: as the
  // payment id it would fold them into one). Both can still be mapped by hand.
  payments: {
    externalId: [
      'paymentid', 'paymentnumber', 'paymentno', 'paymentreference', 'paymentref', 'transactionid', 'transactionreference', 'externalid',
      'maksuid', 'maksutunnus', 'maksunumero', 'arkistointitunnus', 'betalingsid', 'betalingsnummer', 'betalingsreferanse', 'transaksjonsid', 'pspreference',
      'arkivreferanse', 'idплатежа', 'номерплатежа', 'номерплатёжногопоручения', 'номерплатежногопоручения',
    ],
    customerEmail: ['customeremail', 'email', 'emailaddress', 'payeremail', 'sähköposti', 'asiakkaansähköposti', 'epost', 'epostadresse', 'почта', 'emailклиента'],
    customerPhone: ['customerphone', 'phone', 'phonenumber', 'mobile', 'puhelin', 'puhelinnumero', 'telefon', 'telefonnummer', 'телефон'],
    customerExternalId: ['customerid', 'customerexternalid', 'customernumber', 'asiakasnumero', 'asiakastunnus', 'kundenummer', 'kundeid', 'номерклиента', 'idклиента'],
    orderNumber: ['ordernumber', 'orderno', 'orderid', 'order', 'tilausnumero', 'tilaus', 'ordrenummer', 'ordre', 'bestillingsnummer', 'номерзаказа', 'заказ'],
    amountMinor: [
      'amountminor', 'amountcents', 'amountinminorunits', 'amountincents', 'minorunits', 'cents',
      'summasenteissä', 'summasentteinä', 'sentit', 'beløpiøre', 'beløpøre', 'øre', 'суммавкопейках', 'копейки',
    ],
    currency: ['currency', 'valuutta', 'valuta', 'валюта'],
    paidAt: [
      'paidat', 'paidon', 'paymentdate', 'datepaid', 'date', 'maksupäivä', 'maksupvm', 'maksettupäivä', 'päivämäärä', 'päivä',
      'betalingsdato', 'betaltdato', 'dato', 'датаоплаты', 'датаплатежа', 'дата',
    ],
    method: ['method', 'paymentmethod', 'paymenttype', 'maksutapa', 'betalingsmåte', 'betalingsmetode', 'способоплаты'],
  },
};

const CONTACT_SYNONYMS: Record<string, string[]> = {
  email: ['email', 'emailaddress', 'mail', 'sähköposti', 'epost', 'почта'],
  email2: ['email2', 'secondaryemail', 'otheremail'],
  emails: ['emails', 'otheremails'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilephone', 'tel', 'telephone', 'puhelin', 'телефон', 'telefon'],
  phone2: ['phone2', 'secondaryphone', 'otherphone'],
  phones: ['phones', 'otherphones'],
  locale: ['locale', 'language', 'kieli'],
  timeZone: ['timezone', 'tz'],
  tags: ['tags', 'tag', 'labels'],
  source: ['source', 'leadsource'],
  externalId: ['externalid', 'customerid', 'customernumber'],
  externalIds: ['externalids'],
};

/**
 * Composed first (NFC): a header saved decomposed, as macOS may write "Eräpäivä" (a + combining
 * diaeresis), would otherwise lose its marks, which are not letters, and read "erapaiva".
 */
export function normaliseHeader(h: string): string {
  return h.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

export interface AttributeKey {
  key: string;
  label: string;
}

/** Guesses {csvColumn: field} from header names; columns it cannot place are left out. */
export function suggestMapping(kind: ImportKind, headers: string[], attributes: AttributeKey[] = []): Record<string, string> {
  const byName = new Map<string, string>();
  const table = isContactKind(kind) ? { ...CONTACT_SYNONYMS, ...SYNONYMS[kind] } : SYNONYMS[kind];
  for (const [field, names] of Object.entries(table)) for (const n of names) if (!byName.has(n)) byName.set(n, field);
  if (isContactKind(kind)) {
    for (const a of attributes) {
      byName.set(normaliseHeader(a.key), `attr.${a.key}`);
      byName.set(normaliseHeader(a.label), `attr.${a.key}`);
      byName.set(normaliseHeader(`attr.${a.key}`), `attr.${a.key}`);
    }
  }
  const out: Record<string, string> = {};
  const used = new Set<string>();
  for (const h of headers) {
    const field = byName.get(normaliseHeader(h));
    if (field && !used.has(field) && !(h in out)) {
      out[h] = field;
      used.add(field);
    }
  }
  return out;
}

/** Parses the CLI form "CSV Column=field,Other=field2". */
export function parseMapArg(arg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of arg.split(',')) {
    const i = part.lastIndexOf('=');
    if (i <= 0) throw ValidationError.field('map', `Expected "CSV Column=field", got "${part}"`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** Field → column index, after checking the mapping against the header and the workspace's attributes. */
export interface ResolvedMapping {
  columns: Map<string, number>;
  attributes: Array<{ key: string; index: number }>;
}

export function resolveMapping(
  kind: ImportKind,
  headers: string[],
  mapping: Record<string, string>,
  attributeKeys: Set<string>,
): ResolvedMapping {
  const fields: FieldErrors = {};
  const columns = new Map<string, number>();
  const attributes: Array<{ key: string; index: number }> = [];
  const allowed = new Set(FIELDS[kind]);
  for (const [column, field] of Object.entries(mapping)) {
    if (field === '' || field === 'ignore') continue;
    const index = headers.indexOf(column);
    const at = `mapping.${column}`;
    if (index === -1) {
      (fields[at] ??= []).push(`No column "${column}" in the file`);
      continue;
    }
    if (field.startsWith('attr.') && isContactKind(kind)) {
      const key = field.slice(5);
      if (!attributeKeys.has(key)) (fields[at] ??= []).push(`No custom attribute "${key}" is defined`);
      else if (attributes.some((a) => a.key === key)) (fields[at] ??= []).push(`Attribute "${key}" is mapped twice`);
      else attributes.push({ key, index });
      continue;
    }
    if (!allowed.has(field)) {
      (fields[at] ??= []).push(`Unknown field "${field}"; one of ${[...allowed].join(', ')}${isContactKind(kind) ? ', attr.<key>' : ''}`);
      continue;
    }
    if (columns.has(field)) {
      (fields[at] ??= []).push(`Field "${field}" is mapped twice`);
      continue;
    }
    columns.set(field, index);
  }
  if (Object.keys(fields).length === 0) {
    const needs: Record<ImportKind, string[][]> = {
      people: [['firstName', 'lastName', 'fullName', 'email', 'emails', 'phone', 'phones', 'externalId', 'externalIds']],
      companies: [['name']],
      orders: [['externalId'], ['customerEmail', 'customerPhone', 'customerExternalId']],
      payments: [['amountMinor'], ['paidAt'], ['customerEmail', 'customerPhone', 'customerExternalId', 'orderNumber']],
    };
    for (const group of needs[kind]) {
      if (!group.some((f) => columns.has(f))) (fields.mapping ??= []).push(`Map at least one column to ${group.join(' or ')}`);
    }
  }
  if (Object.keys(fields).length) throw new ValidationError('The column mapping does not fit this file', fields);
  return { columns, attributes };
}
