import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { browserTest, e2eSuite } from './support.ts';

// A payments CSV through the import wizard: the kind is offered with what such a file needs, the
// columns are guessed from their names, a row naming an order nobody knows is refused with a
// reason in the report, and the good row settles the customer's order, as their page then shows.

const env = e2eSuite();
const DAY = 86_400_000;
/** A calendar day as a CSV from a shop carries it. */
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

browserTest(env, 'a payments CSV settles the order it names, refuses an unknown order, and the customer shows paid on time', async (page) => {
  const e = env();
  const person = await e.api<{ id: string }>('POST', '/people', { firstName: 'Ilona', lastName: 'Hakala', emails: ['ilona.hakala@example.test'] });
  await e.api('POST', '/products', { sku: 'TEA', name: 'Tea', priceMinor: 5000, currency: 'EUR' });
  // Ordered 30 days ago on 14 days' terms: due 16 days ago; paid 20 days ago, so on time.
  await e.api('POST', '/orders', {
    contactId: person.id,
    externalId: 'A-1',
    orderedAt: new Date(Date.now() - 30 * DAY).toISOString(),
    lines: [{ sku: 'TEA', quantity: 1, unitPriceMinor: 5000 }],
  });
  const paid = isoDay(new Date(Date.now() - 20 * DAY));
  const csv = ['Payment id,Paid at,Amount (minor),Order number', `P-1,${paid},5000,A-1`, `P-2,${paid},1200,NOPE`].join('\n');

  await e.signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
  const kind = page.getByLabel('What the file holds');
  await kind.selectOption({ label: 'Payments' });
  await page.getByText('Payments never create customers: import people and orders first.', { exact: false }).waitFor();
  assert.equal(await kind.getAttribute('aria-describedby'), 'import-kind-hint', 'the hint describes the choice for a screen reader');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'payments.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();

  // Mapping step: every column guessed, each shown by its payment field's label.
  await page.getByRole('heading', { name: 'Which column holds what?' }).waitFor();
  const column = (name: string) => page.getByRole('combobox', { name: `Field for column ${name}` });
  const guessed: Record<string, [string, string]> = {
    'Payment id': ['externalId', 'External id'],
    'Paid at': ['paidAt', 'Date paid'],
    'Amount (minor)': ['amountMinor', 'Amount (minor units)'],
    'Order number': ['orderNumber', 'Order number'],
  };
  for (const [header, [field, label]] of Object.entries(guessed)) {
    assert.equal(await column(header).inputValue(), field, `${header} is guessed`);
    assert.equal(await column(header).locator('option:checked').textContent(), label);
  }
  assert.equal(await column('Order number').locator('option', { hasText: 'Payment method' }).count(), 1, 'the payment fields are offered');
  await page.getByRole('table').getByRole('cell', { name: 'NOPE' }).waitFor();

  await page.getByRole('button', { name: 'Start import' }).click();
  const progress = page.getByTestId('import-progress');
  await progress.getByText('Finished').waitFor({ timeout: 60_000 });
  const counts = page.getByTestId('import-counts');
  assert.equal(await counts.locator('[data-count="created"]').textContent(), '1');
  assert.equal(await counts.locator('[data-count="updated"]').textContent(), '0');
  assert.equal(await counts.locator('[data-count="rejected"]').textContent(), '1');

  const [download] = await Promise.all([page.waitForEvent('download'), progress.getByRole('link', { name: 'Download rejected rows (CSV)' }).click()]);
  const report = (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, '');
  const lines = report.trim().split(/\r?\n/);
  assert.equal(lines[0], 'line,reason,raw');
  assert.equal(lines.length, 2, `one rejected row:\n${report}`);
  assert.match(lines[1]!, /^3,.*order.*NOPE/i, 'line 3 is refused for its unknown order');

  // The import is listed under its kind, and payments can be exported beside the rest.
  const recent = page.getByRole('region', { name: 'Recent imports' });
  await recent.getByRole('cell', { name: 'Payments', exact: true }).waitFor();
  const exportLink = page.getByRole('region', { name: 'Export' }).getByRole('link', { name: 'Payments (CSV)' });
  assert.equal(await exportLink.getAttribute('href'), '/api/v1/exports/payments.csv?delimiter=comma');
  const [exported] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
  assert.equal(exported.suggestedFilename(), 'payments.csv');
  assert.match((await readFile(await exported.path())).toString('utf8'), /P-1/, 'the imported payment is in the export');

  // The customer's page: nothing due, and the one order paid on time.
  await page.goto(`/customers/${person.id}`);
  await page.getByRole('heading', { name: 'Ilona Hakala', level: 1 }).waitFor();
  const figures = page.getByRole('region', { name: 'Orders at a glance' });
  await figures.getByTestId('paid-on-time').getByText('1 of 1 (100%)').waitFor();
  const due = figures.getByTestId('order-figures').locator('div').filter({ has: page.getByText('Amount due', { exact: true }) });
  assert.match((await due.textContent()) ?? '', /Amount due\s*€?0\.00/);
  assert.equal(await figures.getByTestId('payment-overdue').count(), 0, 'nothing is overdue');
});
