import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserTest, e2eSuite } from './support.ts';

// How a customer pays, as the 360 page shows it: an order left unpaid past its due date stands out
// as overdue; paid today, it counts as paid late; and the payment terms that date every order are
// set in Settings, where a value out of bounds is refused beside the field.

const env = e2eSuite();
const DAY = 86_400_000;
const orderedAt = new Date(Date.now() - 40 * DAY);
let customerId = '';
let totalMinor = 0;

/** The date as the app shows it in English (dateStyle medium, the browser's time zone is this machine's). */
const shown = (d: Date) => new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(d);

async function openCustomer(page: Page) {
  await env().signIn();
  await page.goto(`/customers/${customerId}`);
  await page.getByRole('heading', { name: 'Helmi Salonen', level: 1 }).waitFor();
  return page.getByRole('region', { name: 'Orders at a glance' });
}

browserTest(env, 'an order left unpaid past its due date shows as overdue, with the date and the days', async (page) => {
  const e = env();
  const person = await e.api<{ id: string }>('POST', '/people', { firstName: 'Helmi', lastName: 'Salonen', emails: ['helmi@example.test'] });
  customerId = person.id;
  await e.api('POST', '/products', { sku: 'TEA', name: 'Tea', priceMinor: 2500, currency: 'EUR' });
  const order = await e.api<{ totalMinor: number; dueAt: string | null }>('POST', '/orders', { contactId: customerId, orderedAt: orderedAt.toISOString(), lines: [{ sku: 'TEA', quantity: 1 }] });
  totalMinor = order.totalMinor;
  assert.equal(order.dueAt, null, 'the order follows the workspace terms');

  const figures = await openCustomer(page);
  const overdue = figures.getByTestId('payment-overdue');
  await overdue.waitFor();
  const text = (await overdue.textContent()) ?? '';
  // 14 days' terms: due 26 days ago.
  assert.match(text, /Overdue since/);
  assert.match(text, /26 days/);
  assert.ok(text.includes(shown(new Date(orderedAt.getTime() + 14 * DAY))), `the due date is shown: ${text}`);
  assert.match((await figures.getByTestId('paid-on-time').textContent()) ?? '', /No paid orders yet/);
  assert.equal(await figures.getByText('%').count(), 0, 'no 0% before anything is paid');

  // The order itself says when it fell due.
  const orders = page.getByRole('region', { name: 'Orders', exact: true });
  await orders.getByText(`Due ${shown(new Date(orderedAt.getTime() + 14 * DAY))}`).waitFor();
});

browserTest(env, 'paid today, the order counts as paid late: 0 of 1 on time, 26 days late on average', async (page) => {
  assert.ok(customerId, 'needs the customer of the previous test');
  await env().api('POST', '/payments', { contactId: customerId, amountMinor: totalMinor });

  const figures = await openCustomer(page);
  await figures.getByTestId('paid-on-time').getByText('0 of 1 (0%)').waitFor();
  assert.match((await figures.getByTestId('payment-average-delay').textContent()) ?? '', /Average delay\s*26 days/);
  assert.equal(await figures.getByTestId('payment-overdue').count(), 0, 'nothing is overdue any more');
  assert.equal(await figures.getByTestId('payment-next-due').count(), 0, 'nothing is left to pay');
});

browserTest(env, 'payment terms are set in Settings; a value out of bounds is refused beside the field', async (page) => {
  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Workspace' }).click();
  const terms = page.getByLabel('Payment terms (days)');
  await terms.waitFor();
  assert.equal(await terms.inputValue(), '14');
  await page.getByText('Orders fall due this many days after they are placed unless they carry their own due date.').waitFor();

  await terms.fill('400');
  await page.getByRole('button', { name: 'Save' }).click();
  const errorId = await (async () => {
    await page.locator('input[aria-invalid="true"]').waitFor();
    return terms.getAttribute('aria-describedby');
  })();
  assert.ok(errorId, 'the terms field points at its error message');
  assert.equal((await page.locator(`[id="${errorId}"]`).textContent())?.trim(), 'A whole number of days from 0 to 365');
  assert.equal((await env().api<{ paymentTermsDays: number }>('GET', '/workspace')).paymentTermsDays, 14, 'nothing was saved');

  await terms.fill('30');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').getByText('Saved.').waitFor();
  assert.equal(await terms.getAttribute('aria-invalid'), null);
  assert.equal((await env().api<{ paymentTermsDays: number }>('GET', '/workspace')).paymentTermsDays, 30);

  // The server has the last word on the bounds too, whatever a client sends.
  const res = await fetch(`${env().url}/api/v1/workspace`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${env().apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ paymentTermsDays: 400 }),
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: { fields?: Record<string, string[]> } };
  assert.ok(body.error.fields?.paymentTermsDays?.length, 'the error names the field');

  // With 30 days' terms the order fell due 10 days ago, so today's payment was 10 days late. The
  // figures are recomputed by a background job: wait for it through the API, then look.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await env().api<{ figures: { payments: { averageDaysLate: number | null } } }>('GET', `/contacts/${customerId}/360`);
    if (v.figures.payments.averageDaysLate === 10) break;
    assert.ok(Date.now() < deadline, `the figures follow the new terms (average days late ${v.figures.payments.averageDaysLate})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const figures = await openCustomer(page);
  await figures.getByTestId('payment-average-delay').getByText('10 days').waitFor();
  const orders = page.getByRole('region', { name: 'Orders', exact: true });
  await orders.getByText(`Due ${shown(new Date(orderedAt.getTime() + 30 * DAY))}`).waitFor();
});
