import assert from 'node:assert/strict';
import { browserTest, e2eSuite, type E2E } from './support.ts';

// Groups found in the data, as a user meets them: find groups among customers with orders, look
// at who is in one and save it as a segment; see the slowing customers they own and the alert
// (with its reason) and their segments on the customer's page.

const env = e2eSuite();
const DAY = 86_400_000;
const lapsed: string[] = [];
let slowId = '';

async function customer(e: E2E, firstName: string, orders: Array<{ daysAgo: number; priceMinor: number }>, ownerId?: string): Promise<string> {
  const p = await e.api<{ id: string }>('POST', '/people', { firstName, lastName: 'Test', ...(ownerId ? { ownerId } : {}) });
  for (const o of orders)
    await e.api('POST', '/orders', { contactId: p.id, orderedAt: new Date(Date.now() - o.daysAgo * DAY).toISOString(), lines: [{ sku: 'COFFEE', quantity: 1, unitPriceMinor: o.priceMinor }] });
  return p.id;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Customers with orders, once per file (each test awaits it; root hooks would race the suite's start). */
let seeding: Promise<void> | null = null;
const seeded = () => (seeding ??= seed());
async function seed(): Promise<void> {
  const e = env();
  await e.api('POST', '/products', { sku: 'COFFEE', name: 'Coffee', priceMinor: 1000, currency: 'EUR' });
  const users = await e.api<{ items: Array<{ id: string; email: string }> }>('GET', '/users');
  const owner = users.items.find((u) => u.email === e.adminEmail)!.id;
  for (let i = 0; i < 5; i++) {
    await customer(e, `Regular${i}`, Array.from({ length: 6 }, (_, j) => ({ daysAgo: 2 + i + j * 20, priceMinor: 40_000 })));
    lapsed.push(await customer(e, `Lapsed${i}`, [{ daysAgo: 400 + i * 3, priceMinor: 2000 }]));
  }
  // Ordered every 20 days, nothing for 80: slowing; owned by the admin who signs in.
  slowId = await customer(e, 'Saara', [80, 100, 120, 140].map((d) => ({ daysAgo: d, priceMinor: 30_000 })), owner);
  const job = await e.api<{ jobId: string }>('POST', '/insights/slowing/recompute');
  await until('the slowing recompute', async () => (await e.api<{ state: string }>('GET', `/insights/jobs/${job.jobId}`)).state === 'succeeded');
}

browserTest(env, 'finds groups, shows who is in one, and saves it as a segment that keeps its members', async (page) => {
  await seeded();
  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' }).click();
  await page.getByRole('heading', { name: 'No groups yet' }).waitFor();
  const k = page.getByLabel('Number of groups');
  await k.fill('1');
  await page.getByRole('button', { name: 'Find groups' }).click();
  await page.getByText('Enter a whole number from 2 to 20, or “auto”').waitFor();
  await k.fill('2');
  await page.getByRole('button', { name: 'Find groups' }).click();

  const groups = page.getByRole('list', { name: 'Customer groups' }).getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) });
  await page.getByText(/^2 groups of 11 customers/).waitFor();
  assert.equal(await groups.count(), 2);
  const group = groups.filter({ hasText: '5 customers' });
  assert.equal(await group.count(), 1, 'the five lapsed one-off buyers form a group');
  const label = (await group.getByRole('heading', { level: 2 }).textContent())!.trim();
  assert.match(label, /lapsed/i);
  for (const fig of ['Average order value', 'Median gap between orders', 'Recency (days since last order, average)']) await group.getByText(fig).waitFor();

  await group.getByRole('button', { name: 'Show members' }).click();
  const members = group.getByRole('list', { name: 'Members of the group' });
  await members.getByRole('link', { name: 'Lapsed0 Test' }).waitFor();
  assert.equal(await members.getByRole('link').count(), 5);

  await group.getByRole('button', { name: 'Save as segment' }).click();
  const name = group.getByLabel('Segment name');
  assert.equal(await name.inputValue(), label, 'named after the group');
  await name.fill('Win-back: lapsed buyers');
  await group.getByRole('button', { name: 'Save segment' }).click();
  await group.getByRole('status').filter({ hasText: 'Saved as segment' }).waitFor();
  const link = group.getByRole('link', { name: 'Win-back: lapsed buyers' });
  const segmentId = (await link.getAttribute('href'))!.split('/').pop()!;
  // The background build (the worker) fills it: the five lapsed customers.
  const built = await until('the segment build', async () => {
    const s = await env().api<{ health: { size: number; lastBuiltAt: string | null } }>('GET', `/segments/${segmentId}`);
    return s.health.lastBuiltAt ? s : null;
  });
  assert.equal(built.health.size, 5);
  const got = await env().api<{ items: Array<{ id: string }> }>('GET', `/segments/${segmentId}/members`);
  assert.deepEqual(got.items.map((m) => m.id).sort(), [...lapsed].sort());
});

browserTest(env, "lists the owner's slowing customers and shows the alert and segments on the customer's page", async (page) => {
  await seeded();
  const seg = await env().api<{ id: string }>('POST', '/segments', { name: 'Slowing down', kind: 'dynamic', rule: { type: 'slowing', op: 'flagged' } });
  await until('the slowing segment build', async () => (await env().api<{ health: { size: number } }>('GET', `/segments/${seg.id}`)).health.size === 1);

  await env().signIn();
  await page.goto('/insights/slowing');
  const mine = page.getByRole('button', { name: 'My customers' });
  await mine.waitFor();
  assert.equal(await mine.getAttribute('aria-pressed'), 'true', 'my own customers by default');
  const table = page.getByRole('table', { name: 'Slowing customers' });
  const row = table.getByRole('row').filter({ hasText: 'Saara Test' });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /No order for 80 days, more than 1\.5× the usual gap of 20(\.0)? days/);
  await page.getByRole('button', { name: 'All customers' }).click();
  await table.getByRole('row').filter({ hasText: 'Saara Test' }).waitFor();

  await row.getByRole('link', { name: 'Saara Test' }).click();
  await page.getByRole('heading', { name: 'Saara Test', level: 1 }).waitFor();
  const card = page.getByRole('region', { name: 'Alerts and segments' });
  const flag = card.getByTestId('slowing-flag');
  await flag.waitFor();
  assert.match((await flag.textContent()) ?? '', /Slowing down since .*usual gap of 20/);
  await card.getByRole('list', { name: 'Segments' }).getByRole('link', { name: 'Slowing down' }).waitFor();
  assert.match(page.url(), new RegExp(`/customers/${slowId}$`));
});

browserTest(env, 'the tabs lead from one view to another and mark the one open, and settings refuse a share out of range in words', async (page) => {
  await seeded();
  await env().signIn();
  await page.goto('/insights/rfm');
  const tabs = page.getByRole('navigation', { name: 'Insights sections' });
  await tabs.waitFor();
  // From a tab's own address the links once named /insights/rfm/groups etc.: "Page not found".
  await tabs.getByRole('link', { name: 'Customer groups' }).click();
  await page.waitForURL(/\/insights\/groups$/);
  await page.getByLabel('Number of groups').waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Page not found' }).count(), 0);
  assert.equal(await tabs.getByRole('link', { name: 'Customer groups' }).getAttribute('aria-current'), 'page');
  await tabs.getByRole('link', { name: 'Slowing customers' }).click();
  await page.waitForURL(/\/insights\/slowing$/);
  await page.getByRole('button', { name: 'My customers' }).waitFor();
  assert.equal(await tabs.getByRole('link', { name: 'Slowing customers' }).getAttribute('aria-current'), 'page');

  await tabs.getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL(/\/insights\/settings$/);
  const ratio = page.getByLabel('Falling order value (%)');
  await ratio.fill('150');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Enter a percentage above 0 and below 100').waitFor();
  assert.equal(await ratio.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByText(/expected number/).count(), 0, 'no schema message');
});

browserTest(env, 'in Persian the slowing reasons and group names are Persian, and a group saved as a segment is named as the reader saw it', async (page) => {
  await seeded();
  const latest = await env().api<{ latest: unknown }>('GET', '/insights/clusters');
  if (!latest.latest) {
    const job = await env().api<{ jobId: string }>('POST', '/insights/clusters', { k: 2 });
    await until('the grouping', async () => (await env().api<{ state: string }>('GET', `/insights/jobs/${job.jobId}`)).state === 'succeeded');
  }
  await env().signIn();
  await page.evaluate(() => localStorage.setItem('rapport.lang', 'fa'));
  try {
    await page.goto('/insights/slowing');
    await page.getByRole('button', { name: 'همه مشتریان' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Saara Test' });
    await row.waitFor();
    const reason = ((await row.getByRole('cell').nth(1).textContent()) ?? '').trim();
    assert.match(reason, /۸۰ روز بدون سفارش/, reason);
    assert.doesNotMatch(reason, /[A-Za-z0-9]/, `no English words or Latin digits: ${reason}`);

    await page.goto(`/customers/${slowId}`);
    const flag = page.getByTestId('slowing-flag');
    await flag.waitFor();
    assert.match((await flag.textContent()) ?? '', /۸۰ روز بدون سفارش؛ بیش از ۱٫۵ برابر فاصلهٔ معمول ۲۰ روزه/);

    await page.goto('/insights/groups');
    const headings = page.getByRole('list', { name: 'گروه‌های مشتریان' }).getByRole('heading', { level: 2 });
    await headings.first().waitFor();
    for (const name of await headings.allTextContents()) assert.doesNotMatch(name, /[A-Za-z]/, `a Persian group name: ${name}`);
    const group = page.getByRole('list', { name: 'گروه‌های مشتریان' }).getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2 }) }).first();
    const shown = ((await group.getByRole('heading', { level: 2 }).textContent()) ?? '').trim();
    await group.getByRole('button', { name: 'ذخیره به‌عنوان بخش' }).click();
    assert.equal(await group.getByLabel('نام بخش').inputValue(), shown, 'the name starts as the group is shown');
    await group.getByRole('button', { name: 'ذخیرهٔ بخش' }).click();
    const link = group.getByRole('link', { name: shown });
    await link.waitFor();
    const saved = await env().api<{ name: string }>('GET', `/segments/${(await link.getAttribute('href'))!.split('/').pop()}`);
    assert.equal(saved.name, shown, 'the segment keeps the Persian name');
  } finally {
    await page.evaluate(() => localStorage.setItem('rapport.lang', 'en'));
  }
});
