import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import i18next from 'i18next';

// Counts inside sentences are written the reader's way: "همه ۸ مشتری" in Persian, "All 1,234" in
// English. i18next put the bare number in ("همه 8 مشتری") until each {{count}} asked for its
// number format.

const LOCALES = new URL('../../web/src/i18n/locales/', import.meta.url).pathname;
function language(code: string): Record<string, unknown> {
  const dir = join(LOCALES, code);
  return Object.assign(
    JSON.parse(readFileSync(join(LOCALES, `${code}.json`), 'utf8')),
    ...readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
  );
}

it('writes counts in sentences with the language\'s digits and grouping', async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: language('en') }, fa: { translation: language('fa') } }, lng: 'fa', fallbackLng: 'en', interpolation: { escapeValue: false } });
  assert.equal(i18n.t('customers.endOfList', { count: 8 }), 'همه ۸ مشتری نمایش داده شد');
  assert.match(i18n.t('segments.detail.shown', { count: 1234 }), /۱٬۲۳۴/);
  await i18n.changeLanguage('en');
  assert.equal(i18n.t('customers.endOfList', { count: 1234 }), 'All 1,234 customers shown');
  assert.equal(i18n.t('customers.endOfList', { count: 1 }), '1 customer');
});

it('leaves no bare {{count}} in any language file', () => {
  for (const code of ['en', 'fa']) {
    const text = JSON.stringify(language(code));
    assert.ok(!text.includes('{{count}}'), `${code} has a {{count}} without its number format`);
  }
});
