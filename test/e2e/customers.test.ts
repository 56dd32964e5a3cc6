import assert from 'node:assert/strict';
import { browserTest, e2eSuite } from './support.ts';

// A day with customers, as a user clicks through it: sign in, add a customer (and fix a typo the
// server refuses), find them again by typing, open their 360° page, note something down, and
// merge a duplicate into them.

const env = e2eSuite();
const UUID = /\/customers\/([0-9a-f-]{36})$/;
let ainoId = '';

browserTest(env, 'a wrong password is refused with a message, the right one signs in', async (page) => {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Sign in to your workspace' }).waitFor();
  await page.getByLabel('E-mail').fill(env().adminEmail);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal((await alert.textContent())?.trim(), 'Wrong e-mail or password');
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'still on the sign-in page');

  await page.getByLabel('Password').fill(env().adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  assert.match(page.url(), /\/customers$/);
});

browserTest(env, 'a bad phone number is shown beside the phone field; once fixed the customer is saved and their page opens', async (page) => {
  await env().signIn();
  await page.getByRole('link', { name: 'New person' }).click();
  await page.getByRole('heading', { name: 'New person' }).waitFor();
  await page.getByLabel('First name').fill('Aino');
  await page.getByLabel('Last name').fill('Lindqvist');
  await page.getByLabel('E-mail 1').fill('aino.lindqvist@example.test');
  const phone = page.getByLabel('Phone 1');
  await phone.fill('12');
  await page.getByRole('button', { name: 'Save' }).click();

  // The message is tied to the field (aria-describedby) and sits right under it.
  await page.locator('input[aria-invalid="true"]').waitFor();
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  const errorId = await phone.getAttribute('aria-describedby');
  assert.ok(errorId, 'the phone field points at its error message');
  const message = page.locator(`[id="${errorId}"]`);
  assert.match((await message.textContent()) ?? '', /phone/i);
  const [box, msgBox] = [await phone.boundingBox(), await message.boundingBox()];
  assert.ok(box && msgBox);
  assert.ok(msgBox.y >= box.y + box.height - 1 && msgBox.y - (box.y + box.height) < 40, 'the message is directly below the phone field');
  assert.equal(await page.getByLabel('E-mail 1').getAttribute('aria-invalid'), null, 'the valid e-mail is not flagged');

  await phone.fill('040 123 4567');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Aino Lindqvist', level: 1 }).waitFor();
  ainoId = UUID.exec(new URL(page.url()).pathname)?.[1] ?? '';
  assert.ok(ainoId, `the 360 page of the new customer opened (${page.url()})`);
  const profile = page.getByRole('region', { name: 'Profile' });
  // Stored as E.164 (+358401234567), shown grouped the international way.
  await profile.getByText('+358 40 1234567').waitFor();
  await profile.getByText('aino.lindqvist@example.test').waitFor();
});

browserTest(env, 'the customer list narrows as you type and opens the 360° page', async (page) => {
  assert.ok(ainoId, 'needs the customer saved by the previous test');
  for (const [firstName, lastName] of [['Mikko', 'Virtanen'], ['Laura', 'Korhonen'], ['Juha', 'Lindholm']]) {
    await env().api('POST', '/people', { firstName, lastName, emails: [`${firstName.toLowerCase()}@example.test`] });
  }
  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  const table = page.getByRole('table', { name: 'Customers' });
  await table.getByRole('link', { name: 'Mikko Virtanen' }).waitFor();
  const rows = table.locator('tbody tr');
  assert.equal(await rows.count(), 4);

  // "Lind" matches two people; one more letter leaves only Aino.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.pressSequentially('Lind');
  await table.getByRole('link', { name: 'Mikko Virtanen' }).waitFor({ state: 'detached' });
  await table.getByRole('link', { name: 'Juha Lindholm' }).waitFor();
  await search.pressSequentially('q');
  await table.getByRole('link', { name: 'Juha Lindholm' }).waitFor({ state: 'detached' });
  await table.getByRole('link', { name: 'Aino Lindqvist' }).waitFor();
  assert.equal(await rows.count(), 1);
  assert.match(page.url(), /[?&]q=Lindq/, 'the search is kept in the address');

  await table.getByRole('link', { name: 'Aino Lindqvist' }).click();
  await page.getByRole('heading', { name: 'Aino Lindqvist', level: 1 }).waitFor();
  assert.ok(page.url().endsWith(`/customers/${ainoId}`));
  await page.getByRole('region', { name: 'Orders at a glance' }).waitFor();
  await page.getByRole('region', { name: 'Timeline' }).waitFor();
});

browserTest(env, 'a note added on the 360° page is on the timeline at once', async (page) => {
  assert.ok(ainoId, 'needs the customer saved by an earlier test');
  await env().signIn();
  await page.goto(`/customers/${ainoId}`);
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await timeline.getByText('Nothing on the timeline yet').waitFor();
  const summary = timeline.getByRole('textbox', { name: 'Summary' });
  await summary.fill('Prefers calls after 16:00');
  await timeline.getByRole('button', { name: 'Add to timeline' }).click();
  const entry = timeline.getByRole('list', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: 'Prefers calls after 16:00' });
  await entry.waitFor();
  assert.match((await entry.textContent()) ?? '', /Note/);
  assert.equal(await summary.inputValue(), '', 'the box is emptied for the next note');
});

browserTest(env, 'merging a duplicate moves its e-mail to the kept record, and an old link to the duplicate leads there', async (page) => {
  assert.ok(ainoId, 'needs the customer saved by an earlier test');
  const dup = await env().api<{ id: string }>('POST', '/people', { firstName: 'Aino', lastName: 'Lindqvist-Work', emails: ['aino@work.example.test'] });
  await env().signIn();
  await page.goto(`/customers/${ainoId}`);
  await page.getByRole('heading', { name: 'Aino Lindqvist', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Merge duplicate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Merge a duplicate into Aino Lindqvist' });
  await dialog.waitFor();
  const confirm = dialog.getByRole('button', { name: 'Pick the duplicate' });
  assert.equal(await confirm.isDisabled(), true, 'nothing can be merged before a duplicate is picked');
  await dialog.getByRole('searchbox', { name: 'Find the duplicate' }).fill('Lindqvist-Work');
  await dialog.getByRole('radio', { name: /Aino Lindqvist-Work/ }).check();
  await dialog.getByRole('button', { name: 'Merge Aino Lindqvist-Work into this record' }).click();
  await dialog.waitFor({ state: 'detached' });

  const profile = page.getByRole('region', { name: 'Profile' });
  await profile.getByText(/aino@work\.example\.test/).waitFor();
  assert.match((await profile.textContent()) ?? '', /aino\.lindqvist@example\.test/, 'the kept e-mail stays');

  await page.goto(`/customers/${dup.id}`);
  await page.waitForURL(`**/customers/${ainoId}`);
  await page.getByRole('heading', { name: 'Aino Lindqvist', level: 1 }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Aino Lindqvist-Work' }).count(), 0, 'the duplicate has no page of its own any more');
});

browserTest(env, "the profile reads like a person's card: phones grouped, the language by name, custom fields by their label and type", async (page) => {
  await env().api('POST', '/attributes', { key: 'joined_club', label: 'Joined the club', type: 'date', appliesTo: 'person' });
  await env().api('POST', '/attributes', { key: 'reads_news', label: 'Reads the newsletter', type: 'boolean', appliesTo: 'person' });
  const p = await env().api<{ id: string }>('POST', '/people', {
    firstName: 'Ingrid',
    lastName: 'Haugen',
    phones: ['+47 912 34 567'],
    locale: 'nb',
    attributes: { joined_club: '2024-03-05', reads_news: true },
  });
  await env().signIn();
  await page.goto(`/customers/${p.id}`);
  const profile = page.getByRole('region', { name: 'Profile' });
  const row = (label: string) => profile.locator('div').filter({ has: page.locator('dt', { hasText: label }) });
  await row('Joined the club').getByText('Mar 5, 2024').waitFor();
  await row('Reads the newsletter').getByText('Yes').waitFor();
  await row('Language').getByText('Norwegian Bokmål').waitFor();
  await row('Phone').getByText('+47 91 23 45 67').waitFor();
  assert.equal(await profile.getByText('joined_club').count(), 0, 'the key is not shown where the label is known');
});
