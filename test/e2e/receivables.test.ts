import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserTest, e2eSuite } from './support.ts';

// Who owes money, as a user meets it: the Insights tab lists customers with an amount due, the
// largest first or only those past due, longest overdue first, with how reliably they pay; and
// the segment builder picks customers by days overdue with a live count.

const env = e2eSuite();
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function customer(firstName: string): Promise<string> {
  return (await env().api<{ id: string }>('POST', '/people', { firstName, lastName: 'Debtor' })).id;
}
async function order(contactId: string, daysAgo: number, priceMinor: number, status = 'ordered'): Promise<string> {
  const o = await env().api<{ id: string }>('POST', '/orders', { contactId, status, orderedAt: ago(daysAgo), lines: [{ sku: 'INV-1', quantity: 1, unitPriceMinor: priceMinor }] });
  return o.id;
}

/** The customers named in the table's rows, top to bottom. */
async function names(page: Page): Promise<string[]> {
  const links = page.getByRole('table', { name: 'Customers who owe money' }).locator('tbody tr td:first-child a');
  return (await links.allTextContents()).map((s) => s.trim());
}

async function listIs(page: Page, expected: string[]) {
  const end = Date.now() + 30_000;
  for (;;) {
    const got = await names(page);
    if (JSON.stringify(got) === JSON.stringify(expected)) return;
    if (Date.now() > end) assert.deepEqual(got, expected);
    await page.waitForTimeout(200);
  }
}

browserTest(env, 'lists who owes money by amount and by how long overdue, and a payments condition counts the overdue', async (page) => {
  await env().signIn();
  await page.goto('/insights/rfm');
  const tabs = page.getByRole('navigation', { name: 'Insights sections' });
  await tabs.getByRole('link', { name: 'Receivables' }).click();
  await page.waitForURL(/\/insights\/receivables$/);
  // Nobody owes anything yet: each order says what its emptiness means.
  await page.getByRole('heading', { name: 'Nobody owes you money' }).waitFor();
  // (checked once the tab's content shows: the URL changes a render before the tabs follow it)
  assert.equal(await tabs.getByRole('link', { name: 'Receivables' }).getAttribute('aria-current'), 'page');
  const byAmount = page.getByRole('button', { name: 'Largest amount' });
  const byOverdue = page.getByRole('button', { name: 'Longest overdue' });
  assert.equal(await byAmount.getAttribute('aria-pressed'), 'true', 'largest amount by default');
  await byOverdue.click();
  await page.getByRole('heading', { name: 'Nothing is overdue' }).waitFor();

  await env().api('POST', '/products', { sku: 'INV-1', name: 'Invoice line', priceMinor: 1000, currency: 'EUR' });
  // Ordered 60 days ago, unpaid: due 46 days ago under the default 14-day terms.
  const olli = await customer('Olli');
  await order(olli, 60, 3_000);
  // Paid an order 90 days ago on time (after 10 days); one from 30 days ago unpaid: 16 days overdue.
  const otto = await customer('Otto');
  const early = await order(otto, 90, 2_000);
  await env().api('POST', '/payments', { contactId: otto, orderId: early, amountMinor: 2_000, paidAt: ago(80) });
  await order(otto, 30, 5_000);
  // Ordered today, the largest amount: owed, not yet due.
  const nina = await customer('Nina');
  await order(nina, 0, 10_000);
  // Marked paid: owes nothing.
  await order(await customer('Paula'), 60, 7_000, 'paid');

  await page.reload();
  await page.getByRole('button', { name: 'Largest amount' }).click();
  await listIs(page, ['Nina Debtor', 'Otto Debtor', 'Olli Debtor']);
  const table = page.getByRole('table', { name: 'Customers who owe money' });
  const row = (name: string) => table.getByRole('row').filter({ has: page.getByRole('link', { name }) });
  assert.match((await row('Nina Debtor').textContent()) ?? '', /€100\.00.*Not due yet/);
  assert.equal(await row('Nina Debtor').getByTestId('overdue').count(), 0, 'not marked as overdue');
  const olliRow = await row('Olli Debtor').textContent();
  assert.match(olliRow ?? '', /€30\.00/);
  assert.equal((await row('Olli Debtor').getByTestId('overdue').textContent())?.trim(), '!46 days overdue');
  assert.match(olliRow ?? '', /—\s*—$/, 'no settled order: no on-time share, no average delay');
  assert.match((await row('Otto Debtor').textContent()) ?? '', /€50\.00.*16 days overdue.*100%\s*of 1 paid order.*0 days/);
  assert.equal(await row('Olli Debtor').getByRole('link').getAttribute('href'), `/customers/${olli}`);
  const due = (await env().api<{ items: Array<{ contactId: string; payments: { oldestUnpaidDueAt: string } }> }>('GET', '/receivables')).items.find((i) => i.contactId === olli)!;
  await row('Olli Debtor').getByText(new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(due.payments.oldestUnpaidDueAt))).waitFor();

  await page.getByRole('button', { name: 'Longest overdue' }).click();
  await listIs(page, ['Olli Debtor', 'Otto Debtor']);
  assert.equal(await page.getByRole('button', { name: 'Longest overdue' }).getAttribute('aria-pressed'), 'true');

  // The segment builder: days overdue at least 20 is Olli alone.
  await page.goto('/segments/new');
  await page.getByRole('heading', { name: 'New segment', level: 1 }).waitFor();
  const first = page.getByRole('group', { name: 'Condition 1', exact: true });
  await first.getByLabel('Condition', { exact: true }).selectOption({ label: 'Payments' });
  await first.getByLabel('Figure').selectOption({ label: 'Days overdue' });
  await first.getByLabel('Operator').selectOption({ label: 'at least' });
  const value = first.getByLabel('Value');
  await value.fill('20');
  const status = page.getByRole('region', { name: 'Live count' }).getByRole('status');
  await status.filter({ hasText: /^1 customer$/ }).waitFor();
  await page.getByRole('list', { name: 'Some of them' }).getByRole('link', { name: 'Olli Debtor' }).waitFor();
  // A fraction of a day is refused in words, at the input.
  await value.fill('2.5');
  await first.getByRole('alert').filter({ hasText: 'Enter a whole number from 0 to 36,500' }).waitFor();
  await value.fill('10');
  await status.filter({ hasText: /^2 customers$/ }).waitFor();
});
