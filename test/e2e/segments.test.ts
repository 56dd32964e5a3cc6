import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserTest, e2eSuite } from './support.ts';

// Segments as a marketer builds them: a nested rule whose live count follows each change, a bad
// value the server refuses shown at the condition it belongs to, the saved segment's members and
// health after a build; then a static list filled from a CSV file and by hand.

const env = e2eSuite();
const DAY = 86_400_000;

async function person(firstName: string, lastName: string, tags: string[] = []): Promise<string> {
  const p = await env().api<{ id: string }>('POST', '/people', { firstName, lastName, emails: [`${firstName.toLowerCase()}@example.test`], tags });
  return p.id;
}
async function orders(contactId: string, n: number) {
  for (let i = 0; i < n; i++) {
    await env().api('POST', '/orders', { contactId, orderedAt: new Date(Date.now() - (5 + i * 10) * DAY).toISOString(), lines: [{ sku: 'TEA-1', quantity: 1, unitPriceMinor: 1500 }] });
  }
}

/** The live count's text once it settles on `expected` (the preview is debounced and async). */
async function countIs(page: Page, expected: RegExp) {
  const status = page.getByRole('region', { name: 'Live count' }).getByRole('status');
  await status.filter({ hasText: expected }).waitFor();
}

browserTest(env, 'a nested rule shows its live count as it changes, a refused value is shown at its node, and the saved segment has members and health', async (page) => {
  const anna = await person('Anna', 'Aalto', ['vip']);
  const bo = await person('Bo', 'Berg', ['vip']);
  await person('Cai', 'Carlsson');
  await person('Dora', 'Dahl', ['vip']);
  await env().api('POST', '/products', { sku: 'TEA-1', name: 'Green tea', priceMinor: 1500, currency: 'EUR' });
  await orders(anna, 3);
  await orders(bo, 1);

  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Segments' }).click();
  await page.getByRole('heading', { name: 'No segments yet' }).waitFor();
  await page.getByRole('link', { name: 'New segment' }).first().click();
  await page.getByRole('heading', { name: 'New segment', level: 1 }).waitFor();

  // The builder starts with "kind is person": everyone here.
  await countIs(page, /^4 customers$/);

  // Condition 1 becomes "has tag vip".
  const first = page.getByRole('group', { name: 'Condition 1', exact: true });
  await first.getByLabel('Condition', { exact: true }).selectOption({ label: 'Tag' });
  await first.getByLabel('Tag', { exact: true }).fill('vip');
  await countIs(page, /^3 customers$/);

  // …and a nested OR group: at least 3 purchases in 90 days, or a name containing "Bo".
  await page.getByLabel('New condition').last().selectOption({ label: 'Purchases' });
  await page.getByRole('button', { name: 'Add group' }).last().click();
  const group = page.getByRole('group', { name: 'Group 2', exact: true });
  const purchases = group.getByRole('group', { name: 'Condition 2.1', exact: true });
  await purchases.getByLabel('At least').fill('3');
  await purchases.getByLabel('Within the last').fill('90');
  await countIs(page, /^1 customer$/);
  await group.getByLabel('New condition').selectOption({ label: 'Profile' });
  await group.getByRole('button', { name: 'Add condition' }).click();
  const byName = group.getByRole('group', { name: 'Condition 2.2', exact: true });
  await byName.getByLabel('Field').selectOption({ label: 'Name' });
  await byName.getByLabel('Operator').selectOption({ label: 'contains' });
  await byName.getByLabel('Value').fill('Bo');
  await countIs(page, /^2 customers$/);
  const sample = page.getByRole('list', { name: 'Some of them' });
  await sample.getByRole('link', { name: 'Anna Aalto' }).waitFor();
  assert.equal(await sample.getByRole('link', { name: 'Bo Berg' }).getAttribute('href'), `/customers/${bo}`);
  assert.match((await page.getByRole('region', { name: 'Live count' }).textContent()) ?? '', /Query cost estimate: [\d.,]+/);

  // A window out of range (more than 100 years): its message, in words, sits at that input, nowhere else.
  const days = purchases.getByLabel('Within the last');
  await days.fill('40000');
  await purchases.getByRole('alert').waitFor();
  assert.equal(await days.getAttribute('aria-invalid'), 'true');
  const errorId = await days.getAttribute('aria-describedby');
  assert.ok(errorId);
  assert.equal(await page.locator(`[id="${errorId}"]`).textContent(), 'Enter a whole number from 1 to 36,500');
  assert.equal(await byName.getByRole('alert').count(), 0, 'the other conditions are not flagged');
  await countIs(page, /Fix the conditions marked in red/);
  await days.fill('90');
  await countIs(page, /^2 customers$/);
  assert.equal(await purchases.getByRole('alert').count(), 0, 'the message goes once the value is fixed');

  await page.getByLabel('Name', { exact: true }).first().fill('Loyal VIPs');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Loyal VIPs', level: 1 }).waitFor();

  // Build now rather than wait for the background job, then members and health show the result.
  await page.getByRole('button', { name: 'Rebuild now' }).click();
  await page.getByText(/Rebuilt in [\d,]+ ms: 2 entered, 0 left, 2 members now\./).or(page.getByText(/Rebuilt in [\d,]+ ms: 0 entered, 0 left, 2 members now\./)).waitFor();
  const members = page.getByRole('table', { name: 'Members' });
  await members.getByRole('link', { name: 'Anna Aalto' }).waitFor();
  assert.equal(await members.getByRole('link', { name: 'Bo Berg' }).getAttribute('href'), `/customers/${bo}`);
  assert.equal(await members.locator('tbody tr').count(), 2);
  const health = page.getByRole('region', { name: 'Health' });
  assert.match((await health.textContent()) ?? '', /Size2/);
  await page.getByText('Up to date').first().waitFor();
  // The history counts today's two entries (by the background build or by ours).
  await page.getByRole('img', { name: /2 entered, 0 left/ }).waitFor();

  await page.getByRole('link', { name: 'Segments', exact: true }).first().click();
  const list = page.getByRole('table', { name: 'Segments' });
  const row = list.getByRole('row').filter({ has: page.getByRole('link', { name: 'Loyal VIPs' }) });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Dynamic.*2.*ms.*Up to date/);
});

browserTest(env, 'a static list is filled from a CSV of e-mails with the result counted, and by finding a customer', async (page) => {
  await env().signIn();
  await page.goto('/segments');
  await page.getByRole('link', { name: 'New static list' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('Fair leads');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Fair leads', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'No members' }).waitFor();

  await page.getByLabel('Upload a CSV file of e-mail addresses').setInputFiles({
    name: 'leads.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('email\nANNA@example.test\nbo@example.test\nnobody@example.test\nnot-an-email\n'),
  });
  await page.getByRole('button', { name: 'Upload and add' }).click();
  const result = page.getByTestId('csv-result');
  await result.waitFor();
  assert.match((await result.textContent()) ?? '', /2 added, 1 not found, 1 not valid\. List size: 2\./);
  await result.getByText('1 address not found').click();
  await result.getByText('Line 4: nobody@example.test').waitFor();
  const members = page.getByRole('table', { name: 'Members' });
  await members.getByRole('link', { name: 'Anna Aalto' }).waitFor();
  await members.getByRole('link', { name: 'Bo Berg' }).waitFor();

  await page.getByRole('searchbox', { name: 'Find a customer' }).fill('Dahl');
  await page.getByRole('button', { name: 'Add Dora Dahl' }).click();
  await members.getByRole('link', { name: 'Dora Dahl' }).waitFor();
  await page.getByRole('button', { name: 'Remove Bo Berg from the list' }).click();
  await members.getByRole('link', { name: 'Bo Berg' }).waitFor({ state: 'detached' });
  assert.equal(await members.locator('tbody tr').count(), 2);
  assert.match((await page.getByRole('region', { name: 'Health' }).textContent()) ?? '', /Size2/);
  await page.getByRole('img', { name: /3 entered, 1 left/ }).waitFor();
});

browserTest(env, 'a segment needs a name, and after its rule changes the page follows the build without a reload', async (page) => {
  await env().signIn();
  await page.goto('/segments/new');
  await page.getByRole('heading', { name: 'New segment', level: 1 }).waitFor();
  const first = page.getByRole('group', { name: 'Condition 1', exact: true });
  await first.getByLabel('Condition', { exact: true }).selectOption({ label: 'Tag' });
  await first.getByLabel('Tag', { exact: true }).fill('vip');
  await countIs(page, /^3 customers$/);

  // A blank name is refused in words, beside the field, before anything is sent.
  const name = page.getByLabel('Name', { exact: true }).first();
  await name.fill('   ');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Give the segment a name').waitFor();
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByText(/expected string/).count(), 0, 'no schema message');

  await name.fill('VIP customers');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'VIP customers', level: 1 }).waitFor();
  const health = page.getByRole('region', { name: 'Health' });
  const members = page.getByRole('table', { name: 'Members' });
  // Not rebuilt by hand: the worker's build shows up by itself.
  await health.filter({ hasText: /Size3(?![\d,])/ }).waitFor();
  await members.getByRole('link', { name: 'Dora Dahl' }).waitFor();
  assert.equal(await members.locator('tbody tr').count(), 3);

  // A narrower rule: the page once kept the old size and members, "Up to date", until reloaded.
  await page.getByRole('link', { name: 'Edit rule' }).click();
  await page.getByRole('heading', { name: 'Edit VIP customers', level: 1 }).waitFor();
  await page.getByLabel('New condition').last().selectOption({ label: 'Profile' });
  await page.getByRole('button', { name: 'Add condition' }).last().click();
  const byName = page.getByRole('group', { name: 'Condition 2', exact: true });
  await byName.getByLabel('Field').selectOption({ label: 'Name' });
  await byName.getByLabel('Operator').selectOption({ label: 'contains' });
  await byName.getByLabel('Value').fill('Dahl');
  await countIs(page, /^1 customer$/);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'VIP customers', level: 1 }).waitFor();
  await health.filter({ hasText: /Size1(?![\d,])/ }).waitFor();
  await members.getByRole('link', { name: 'Anna Aalto' }).waitFor({ state: 'detached' });
  assert.equal(await members.locator('tbody tr').count(), 1);
  await members.getByRole('link', { name: 'Dora Dahl' }).waitFor();
});

browserTest(env, 'a number out of range is refused in the reader’s words beside its input, never with the schema’s message', async (page) => {
  await env().signIn();
  await page.goto('/segments/new');
  await page.getByRole('heading', { name: 'New segment', level: 1 }).waitFor();
  const first = page.getByRole('group', { name: 'Condition 1', exact: true });
  await first.getByLabel('Condition', { exact: true }).selectOption({ label: 'Purchases' });
  const atLeast = first.getByLabel('At least');
  await atLeast.fill('99999999999999999999');
  await first.getByText('Enter a whole number from 1 to 1,000,000').waitFor();
  assert.equal(await atLeast.getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Name', { exact: true }).first().fill('Too many purchases');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForTimeout(1_000);
  assert.match(page.url(), /\/segments\/new$/, 'nothing was saved');
  assert.equal(await page.getByText(/Too big|expected int|<=/).count(), 0, 'no schema message');

  // The same in Persian, with Persian digits.
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'فارسی' });
  await page.getByText('یک عدد صحیح از ۱ تا ۱٬۰۰۰٬۰۰۰ وارد کنید').waitFor();
  await page.locator('#lang').selectOption('en');
  await atLeast.fill('3');
  await countIs(page, /^\d+ customers?$/);
  assert.equal(await atLeast.getAttribute('aria-invalid'), null);
});
