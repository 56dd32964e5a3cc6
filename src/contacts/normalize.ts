import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { calendarDate, dateExample, dateOrderFor, type DateOrder } from './dates.ts';
import { commaGroupsIn, localNumber } from './numbers.ts';
import type { AttributeType } from './tables.ts';

// Shared by the API and the CSV importer so that a value is accepted or refused the same way
// whichever door it comes through.

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const emailSchema = z.email();

export function normalizeEmail(raw: string): Checked<string> {
  const value = raw.trim().toLowerCase();
  if (value === '') return { ok: false, reason: 'E-mail is empty' };
  if (value.length > 254 || !emailSchema.safeParse(value).success) return { ok: false, reason: `Not a valid e-mail address: ${raw}` };
  return { ok: true, value };
}

/** Phones become E.164, read with the workspace's default country when they carry no +prefix. */
export function normalizePhone(raw: string, defaultCountry: string): Checked<string> {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, reason: 'Phone number is empty' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  if (!parsed) return { ok: false, reason: `Not a phone number: ${raw}` };
  if (!parsed.isValid()) return { ok: false, reason: `Not a valid phone number for ${parsed.country ?? defaultCountry}: ${raw}` };
  return { ok: true, value: parsed.number };
}

export interface AttributeDefinition {
  key: string;
  type: AttributeType;
  choices: string[] | null;
}

/** How a spreadsheet in a country writes dates and numbers (the importer reads both forms). */
export interface LocalForms {
  dateOrder: DateOrder;
  commaGroups: boolean;
}

const formsByCountry = new Map<string, LocalForms>();

/** One object per country: the importer asks for every row and every date or number field. */
export function localFormsFor(country: string): LocalForms {
  let forms = formsByCountry.get(country);
  if (!forms) formsByCountry.set(country, (forms = { dateOrder: dateOrderFor(country), commaGroups: commaGroupsIn(country) }));
  return forms;
}

/**
 * Coerces one custom attribute value to its defined type; strings (from CSV) are accepted too.
 * With `local` (the importer) dates such as 31.12.2024 and numbers such as 1 234,50 are read too.
 */
export function checkAttribute(def: AttributeDefinition, raw: unknown, local?: LocalForms): Checked<string | number | boolean | null> {
  const dateOrder = local?.dateOrder;
  if (raw === null || raw === undefined || raw === '') return { ok: true, value: null };
  switch (def.type) {
    case 'text':
      if (typeof raw !== 'string') return { ok: false, reason: `${def.key}: expected text` };
      if (raw.length > 10_000) return { ok: false, reason: `${def.key}: text longer than 10000 characters` };
      return { ok: true, value: raw };
    case 'number': {
      const n =
        typeof raw === 'number' ? raw : typeof raw !== 'string' || raw.trim() === '' ? NaN : local ? (localNumber(raw, local.commaGroups) ?? NaN) : Number(raw);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: `${def.key}: expected a number, got ${String(raw)}` };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const s = String(raw).trim().toLowerCase();
      if (['true', 'yes', '1', 'y'].includes(s)) return { ok: true, value: true };
      if (['false', 'no', '0', 'n'].includes(s)) return { ok: true, value: false };
      return { ok: false, reason: `${def.key}: expected true or false, got ${String(raw)}` };
    }
    case 'date': {
      const s = String(raw).trim();
      const date = calendarDate(s, dateOrder);
      if (date === null) return { ok: false, reason: `${def.key}: expected a date ${dateExample(dateOrder)}, got ${s}` };
      return { ok: true, value: date };
    }
    case 'choice': {
      const s = String(raw);
      if (!def.choices?.includes(s)) return { ok: false, reason: `${def.key}: unknown choice "${s}" (allowed: ${(def.choices ?? []).join(', ')})` };
      return { ok: true, value: s };
    }
  }
}

/** A date of birth: a real calendar date, not in the future. */
export function checkBirthday(raw: string, dateOrder?: DateOrder): Checked<string> {
  const date = calendarDate(raw, dateOrder);
  if (date === null) return { ok: false, reason: `Birthday must be a date ${dateExample(dateOrder)}, got ${raw}` };
  if (Date.parse(`${date}T00:00:00Z`) > Date.now()) return { ok: false, reason: 'Birthday is in the future' };
  return { ok: true, value: date };
}
