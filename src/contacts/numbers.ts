// Numbers as spreadsheets write them. Excel in Finland, Norway, Russia or Germany writes 1 234,50
// (a comma for the decimal mark, a space, often a no-break space, between thousands), in the US
// 1,234.50; a Persian sheet may use Persian digits. The importer reads all of these for number
// fields; the API takes JSON numbers only.

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';
// Spaces, no-break and narrow no-break spaces, and the Swiss apostrophe group thousands.
const GROUPING = /[\s\u00a0\u202f']/g;

function asciiDigits(s: string): string {
  return s.replace(/[۰-۹٠-٩]/g, (c) => String(PERSIAN.includes(c) ? PERSIAN.indexOf(c) : ARABIC.indexOf(c))).replace(/[٫]/g, '.').replace(/[٬]/g, ',');
}

/**
 * A finite number or null. With both marks, the last one is the decimal mark ("1.234,5" and
 * "1,234.5"). A lone comma is a decimal mark unless `commaGroups` (a country that writes 1,234 for
 * a thousand): then "1,234" is 1234. Several of one mark only group ("1.234.567").
 */
export function localNumber(raw: string, commaGroups: boolean): number | null {
  let s = asciiDigits(raw.trim()).replace(GROUPING, '');
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  const commas = s.split(',').length - 1;
  const dots = s.split('.').length - 1;
  if (commas && dots) s = lastComma > lastDot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  else if (commas > 1 || (commas === 1 && commaGroups)) s = /^-?\d{1,3}(,\d{3})+$/.test(s) ? s.replace(/,/g, '') : '';
  else if (commas === 1) s = s.replace(',', '.');
  else if (dots > 1) s = /^-?\d{1,3}(\.\d{3})+$/.test(s) ? s.replace(/\./g, '') : '';
  if (!/^[-+]?(\d+(\.\d+)?|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const groupsByCountry = new Map<string, boolean>();

/** Whether the country writes a thousand as 1,000 (its likeliest language's grouping mark is a comma). */
export function commaGroupsIn(country: string): boolean {
  let known = groupsByCountry.get(country);
  if (known === undefined) {
    try {
      const locale = new Intl.Locale('und', { region: country }).maximize().toString();
      known = new Intl.NumberFormat(locale).formatToParts(1234567.5).find((p) => p.type === 'group')?.value === ',';
    } catch {
      known = false;
    }
    groupsByCountry.set(country, known);
  }
  return known;
}
