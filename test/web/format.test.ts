import assert from 'node:assert/strict';
import { before, it } from 'node:test';

// The web app's formatting of money, numbers and dates (web/src/i18n/format.ts), run under node.
// i18n/index.ts sets <html lang/dir> and reads the saved language, so document and localStorage
// are stubbed before it is imported.

type Format = typeof import('../../web/src/i18n/format.ts');
type I18n = typeof import('../../web/src/i18n/index.ts');
let f: Format;
let i18n: I18n;
const html = { lang: '', dir: '' };

before(async () => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    document: { documentElement: html },
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
  });
  i18n = await import('../../web/src/i18n/index.ts');
  f = await import('../../web/src/i18n/format.ts');
  await i18n.default.changeLanguage('en');
});

it('shows money from integer minor units with the currency’s own number of decimals', () => {
  assert.equal(f.formatMoney(123456, 'EUR'), '€1,234.56');
  assert.equal(f.formatMoney(5, 'EUR'), '€0.05');
  assert.equal(f.formatMoney(0, 'USD'), '$0.00');
  assert.equal(f.formatMoney(-250, 'EUR'), '-€2.50');
  assert.equal(f.formatMoney(1234, 'JPY'), '¥1,234', 'yen have no minor unit');
  assert.equal(f.formatMoney(1234, 'BHD').replace(/\s/g, ' '), 'BHD 1.234', 'dinars have three decimals');
});

it('accepts amounts the API sends as strings (bigint columns) and shows a dash for none', () => {
  assert.equal(f.formatMoney('1999', 'EUR'), '€19.99');
  assert.equal(f.formatMoney('123456789012', 'EUR'), '€1,234,567,890.12');
  assert.equal(f.formatMoney(null, 'EUR'), '—');
  assert.equal(f.formatMoney(undefined, 'EUR'), '—');
});

it('does not turn a cent into a rounding error', () => {
  // 0.1 + 0.2 style float drift must not leak into what the user reads.
  for (const minor of [1, 10, 29, 57, 99, 101, 1005, 999_999_999]) {
    const shown = f.formatMoney(minor, 'EUR').replace(/[€,]/g, '');
    assert.equal(shown, (minor / 100).toFixed(2), `${minor} minor units`);
  }
});

it('shows shares as percentages in the chosen language, with the sign where it belongs', () => {
  assert.equal(f.formatPercent(0.333, 1), '33.3%');
  assert.equal(f.formatPercent(0.3), '30%');
  assert.equal(f.formatPercent(null), '—');
  assert.equal(f.formatPercent(Number.NaN), '—');
  i18n.setLanguage('fa');
  try {
    assert.equal(f.formatPercent(0.333, 1), '۳۳٫۳٪', 'Persian digits, decimal separator and percent sign');
  } finally {
    i18n.setLanguage('en');
  }
});

it('shows numbers and dates in the chosen language and a dash for missing ones', async () => {
  assert.equal(f.formatNumber(1234567), '1,234,567');
  assert.equal(f.formatNumber(1.234, 2), '1.23');
  assert.equal(f.formatNumber(null), '—');
  assert.equal(f.formatDate(null), '—');
  assert.equal(f.formatDateTime(undefined), '—');
  assert.equal(f.formatDate('2024-03-05T12:00:00Z'), 'Mar 5, 2024');

  i18n.setLanguage('fa');
  try {
    assert.equal(html.dir, 'rtl');
    assert.equal(html.lang, 'fa');
    assert.equal(f.formatNumber(1234), '۱٬۲۳۴', 'Persian digits and separators');
    assert.match(f.formatMoney(1250, 'EUR'), /۱۲٫۵۰/);
  } finally {
    i18n.setLanguage('en');
  }
  assert.equal(html.dir, 'ltr');
  assert.equal(f.formatNumber(1234), '1,234');
});
