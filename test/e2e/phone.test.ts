import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserTest, e2eSuite } from './support.ts';

// The app on a phone (375 px wide): no page is wider than the screen, in a left-to-right and a
// right-to-left language, and the navigation is one tap away behind the menu button.

const env = e2eSuite();
const PHONE = { width: 375, height: 812 };
const DAY = 86_400_000;

/** A few customers with orders, their RFM scores and the groups found among them, so the pages show tables and cards, not empty states. */
let seeding: Promise<void> | null = null;
const seeded = () => (seeding ??= seed());
async function seed(): Promise<void> {
  const e = env();
  await e.api('POST', '/products', { sku: 'TEA', name: 'Tea', priceMinor: 1200, currency: 'EUR' });
  for (let i = 0; i < 6; i++) {
    const p = await e.api<{ id: string }>('POST', '/people', { firstName: `Maximiliane-Alexandra${i}`, lastName: 'Oppenheimer-Vanderbilt', emails: [`maximiliane.alexandra.${i}@a-rather-long-domain-name.example`] });
    const orders = i % 2 ? [400 + i] : [3 + i, 33 + i, 63 + i];
    for (const daysAgo of orders)
      await e.api('POST', '/orders', { contactId: p.id, orderedAt: new Date(Date.now() - daysAgo * DAY).toISOString(), lines: [{ sku: 'TEA', quantity: 1, unitPriceMinor: i % 2 ? 1200 : 48_000 }] });
  }
  await e.api('POST', '/segments', { name: 'Customers who bought tea more than three times this year', kind: 'dynamic', rule: { type: 'purchases', op: 'at_least', count: 3, withinDays: 365 } });
  for (const [path, body] of [['/insights/clusters', { k: 2 }], ['/insights/rfm/recompute', undefined]] as const) {
    const job = await e.api<{ jobId: string }>('POST', path, body);
    const end = Date.now() + 60_000;
    while ((await e.api<{ state: string }>('GET', `/insights/jobs/${job.jobId}`)).state !== 'succeeded') {
      if (Date.now() > end) throw new Error(`timed out waiting for ${path}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function useLanguage(page: Page, code: 'en' | 'fa'): Promise<void> {
  await page.evaluate((c) => localStorage.setItem('rapport.lang', c), code);
}

/** The page's width, and the innermost elements that stick out of the screen (for the failure message). */
async function pageWidth(page: Page, path: string, ready: Parameters<Page['locator']>[0]): Promise<{ width: number; culprits: string[] }> {
  await page.goto(path);
  await page.locator(ready).first().waitFor();
  await page.waitForLoadState('networkidle');
  return page.evaluate((max) => {
    const out = Array.from(document.querySelectorAll('body *')).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 1 && (r.right > max + 0.5 || r.left < -0.5) && !Array.from(el.children).some((c) => c.getBoundingClientRect().right > max + 0.5);
    });
    return { width: document.documentElement.scrollWidth, culprits: out.slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}">${(el.textContent ?? '').slice(0, 40)}`) };
  }, PHONE.width);
}

browserTest(env, 'at 375 px no page is wider than the screen, left-to-right or right-to-left', async (page) => {
  await seeded();
  await env().signIn();
  await page.setViewportSize(PHONE);
  try {
    for (const lang of ['en', 'fa'] as const) {
      await useLanguage(page, lang);
      const pages: Array<[string, string]> = [
        ['/customers', 'main table'],
        ['/segments', 'main table'],
        ['/insights/groups', 'main ul li h2'],
        ['/insights/rfm', 'main section'],
        ['/segments/new', 'main fieldset'],
      ];
      for (const [path, ready] of pages) {
        const { width, culprits } = await pageWidth(page, path, ready);
        assert.ok(width <= PHONE.width, `${lang} ${path} is ${width} px wide: ${culprits.join(' | ')}`);
      }
    }
  } finally {
    await useLanguage(page, 'en');
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

browserTest(env, 'on a phone the menu button shows the navigation, at the end of the bar in either direction, and hides it after a choice', async (page) => {
  await seeded();
  await env().signIn();
  await page.setViewportSize(PHONE);
  try {
    for (const [lang, labels] of [
      ['en', { menu: 'Menu', main: 'Main', segments: 'Segments', heading: 'Segments' }],
      ['fa', { menu: 'منو', main: 'اصلی', segments: 'بخش‌ها', heading: 'بخش‌ها' }],
    ] as const) {
      await useLanguage(page, lang);
      await page.goto('/customers');
      const menu = page.getByRole('button', { name: labels.menu });
      await menu.waitFor();
      const nav = page.getByRole('navigation', { name: labels.main });
      assert.equal(await nav.isVisible(), false, `${lang}: folded away at first`);
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      const box = (await menu.boundingBox())!;
      const centre = (box.x + box.width / 2) / PHONE.width;
      assert.ok(lang === 'en' ? centre > 0.5 : centre < 0.5, `${lang}: the menu button sits at the end of the bar (${centre})`);

      await menu.click();
      await nav.waitFor();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), PHONE.width, `${lang}: the open menu fits too`);
      await nav.getByRole('link', { name: labels.segments }).click();
      await page.waitForURL(/\/segments$/);
      await page.getByRole('heading', { name: labels.heading, level: 1 }).waitFor();
      await nav.waitFor({ state: 'hidden' });
      assert.equal(await menu.getAttribute('aria-expanded'), 'false', `${lang}: folded again after moving on`);
    }
  } finally {
    await useLanguage(page, 'en');
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});
