// Calendar dates as people type them into spreadsheets. The API takes ISO dates only (a developer
// sends what the OpenAPI document says); a CSV from Excel in Finland, Norway or Russia has
// 31.12.1980, from the United States 12/31/1980. The importer reads those in the order the
// workspace's country writes them, and an impossible date (30 February) is refused either way.

/** Day first (31.12.1980, 31/12/1980) or month first (12/31/1980). */
export type DateOrder = 'dmy' | 'mdy';

/** Countries that write the month first; everywhere else a slash date is day first. */
const MONTH_FIRST = new Set(['US', 'PH', 'PR', 'GU', 'VI', 'AS', 'MP', 'FM', 'MH', 'PW']);

export function dateOrderFor(country: string): DateOrder {
  return MONTH_FIRST.has(country) ? 'mdy' : 'dmy';
}

/** The form the reader expects, for error messages: ISO alone for the API, with the local form for the importer. */
export function dateExample(order?: DateOrder): string {
  if (!order) return 'YYYY-MM-DD';
  return order === 'mdy' ? '1980-12-31 or 12/31/1980' : '1980-12-31 or 31.12.1980';
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
// Dots are day first in every locale that uses them; slashes depend on the country.
const LOCAL = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$/;

/** The part of a local date-time after the date, as spreadsheets write it: 14:30 or 14.30.00. */
export const LOCAL_TIME = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/;

/**
 * 'YYYY-MM-DD' for a real calendar date, else null. Without `order` only ISO is read (the API);
 * with it, local forms too (the importer). Two-digit years are refused: 80 could be 1980 or 2080.
 */
export function calendarDate(raw: string, order?: DateOrder): string | null {
  const s = raw.trim();
  let y: number, m: number, d: number;
  const iso = ISO.exec(s);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else {
    const loc = order ? LOCAL.exec(s) : null;
    if (!loc) return null;
    const [a, b] = [Number(loc[1]), Number(loc[3])];
    const dayFirst = loc[2] !== '/' || order === 'dmy';
    [y, m, d] = [Number(loc[4]), dayFirst ? b : a, dayFirst ? a : b];
  }
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
