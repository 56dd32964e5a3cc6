import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserTest, e2eSuite, saveScreenshot } from './support.ts';

// Settings an admin reaches for on day one (an API key for an integration) and the app in a
// right-to-left language.

const env = e2eSuite();

browserTest(env, 'a new API key is shown once, works, and afterwards only its prefix is listed', async (page) => {
  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  const form = page.locator('form').filter({ has: page.getByRole('heading', { name: 'New API key' }) });
  await form.waitFor();
  await form.getByLabel('Name').fill('Web shop sync');
  await form.getByLabel('Role').selectOption('marketer');
  await form.getByRole('button', { name: 'Create key' }).click();

  const notice = form.getByRole('status');
  await notice.getByText('Copy this key now: it will not be shown again.').waitFor();
  const key = ((await notice.getByTestId('new-api-key').textContent()) ?? '').trim();
  assert.match(key, /^rk_\S{20,}$/);
  const row = page.getByRole('row').filter({ hasText: 'Web shop sync' });
  await row.waitFor();
  const rowText = (await row.textContent()) ?? '';
  assert.match(rowText, /Marketer/);
  assert.ok(!rowText.includes(key), 'the list shows a prefix, never the key');
  assert.ok(rowText.includes(key.slice(0, 6)), 'the prefix identifies the key');

  const withKey = await fetch(`${env().url}/api/v1/people`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(withKey.status, 200, 'the key works for the API');

  // Leaving the page and coming back: the key is gone for good.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Custom fields' }).click();
  await page.getByRole('heading', { name: 'New custom field' }).waitFor();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('row').filter({ hasText: 'Web shop sync' }).waitFor();
  assert.equal(await page.getByTestId('new-api-key').count(), 0);
  assert.ok(!(await page.content()).includes(key), 'the key is nowhere on the page');
});

/** Horizontal centre of an element, as a share of the viewport width (0 = left edge). */
async function centreX(page: Page, selector: Parameters<Page['locator']>[0]): Promise<number> {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is on screen`);
  const width = page.viewportSize()!.width;
  return (box.x + box.width / 2) / width;
}

browserTest(env, 'choosing فارسی turns the page right-to-left and mirrors the layout', async (page) => {
  await env().signIn();
  await page.goto('/customers');
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.dir), 'ltr');
  const nav = 'header nav';
  // The last button of the header: the first is the menu button narrow screens show.
  const signOut = 'header button >> nth=-1';
  const ltr = { nav: await centreX(page, nav), signOut: await centreX(page, signOut), title: await centreX(page, 'main h1') };
  assert.ok(ltr.nav < 0.5 && ltr.signOut > 0.5 && ltr.title < 0.5, `left-to-right layout: ${JSON.stringify(ltr)}`);

  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'فارسی' });
  await page.getByRole('heading', { name: 'مشتریان', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.dir), 'rtl');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fa');
  const rtl = { nav: await centreX(page, nav), signOut: await centreX(page, signOut), title: await centreX(page, 'main h1') };
  assert.ok(rtl.nav > 0.5, `the main navigation sits on the right: ${JSON.stringify(rtl)}`);
  assert.ok(rtl.signOut < 0.5, `the account controls move to the left: ${JSON.stringify(rtl)}`);
  assert.ok(rtl.title > 0.5, `the page title starts on the right: ${JSON.stringify(rtl)}`);
  const navLinks = await page.locator(`${nav} a`).evaluateAll((as) => as.map((a) => a.getBoundingClientRect().x));
  assert.ok(navLinks[0]! > navLinks[1]!, 'the first menu item is the rightmost');

  // The choice survives a reload, and switching back restores left-to-right.
  await page.reload();
  await page.getByRole('heading', { name: 'مشتریان', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.dir), 'rtl');
  await page.locator('#lang').selectOption('en');
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.dir), 'ltr');
});

/**
 * An invited colleague in a browser context of their own (their own machine), signed in with the
 * one-time password the invitation gave them.
 */
async function invitedColleague(email: string, role: string) {
  const invited = await env().api<{ temporaryPassword: string }>('POST', '/users', { email, name: role, role });
  const context = await env().browser.newContext({ baseURL: env().url, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto('/customers');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(invited.temporaryPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { invited, context, page };
}

browserTest(env, 'a user with a one-time password must choose their own before anything else opens', async () => {
  const { invited, context, page } = await invitedColleague('agent@example.test', 'agent');
  try {
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'nothing else opens yet');

    await page.getByLabel('Current password').fill(invited.temporaryPassword);
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    const newPassword = page.getByLabel('New password');
    await page.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await newPassword.getAttribute('aria-invalid'), 'true', 'a too-short password is refused beside its field');

    await newPassword.fill('agent-own-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
  } catch (err) {
    await saveScreenshot(page, 'one-time-password (invited user)');
    throw err;
  } finally {
    await context.close();
  }
});

browserTest(env, 'an unknown address inside a section says the page is not found and leads back to the section', async (page) => {
  await env().signIn();
  const cases = [
    // /insights/clusters once redirected to itself plus "/groups" without end and crashed the tab.
    { path: '/insights/clusters', back: 'Go to Insights', lands: /\/insights\/groups$/ },
    { path: '/settings/no-such-tab', back: 'Go to Settings', lands: /\/settings\/workspace$/ },
    { path: '/events/no/such/page', back: 'Go to Events', lands: /\/events$/ },
    { path: '/segments/abc/def/ghi', back: 'Go to Segments', lands: /\/segments$/ },
    { path: '/stores/abc/def', back: 'Go to Stores', lands: /\/stores$/ },
  ];
  for (const c of cases) {
    await page.goto(env().url + c.path);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: 10_000 });
    assert.equal(new URL(page.url()).pathname, c.path, `${c.path}: the address stays as typed`);
    await page.getByRole('link', { name: c.back }).click();
    await page.waitForURL(c.lands);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor({ state: 'detached', timeout: 10_000 });
  }
});

browserTest(env, 'an analyst reads everything but is offered no button the server would refuse', async () => {
  const person = await env().api<{ id: string }>('POST', '/people', { firstName: 'Read', lastName: 'Only', emails: ['read.only@example.test'] });
  const { invited, context, page } = await invitedColleague('analyst@example.test', 'analyst');
  try {
    await page.getByLabel('Current password').fill(invited.temporaryPassword);
    await page.getByLabel('New password').fill('analyst-own-password');
    await page.getByRole('button', { name: 'Change password' }).click();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Customers' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Import' }).count(), 0, 'no Import in the menu');
    await page.getByRole('link', { name: 'Read Only' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'New person' }).count(), 0);

    await page.getByRole('link', { name: 'Read Only' }).click();
    await page.getByRole('heading', { name: 'Read Only', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Timeline' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Merge duplicate' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add to timeline' }).count(), 0);

    const readOnly = 'Your role can look at customers but not change them.';
    for (const path of ['/customers/new', `/customers/${person.id}/edit`, '/imports']) {
      await page.goto(path);
      await page.getByRole('alert').filter({ hasText: readOnly }).waitFor();
    }
    await page.goto('/settings/attributes');
    await page.getByRole('heading', { name: 'Custom fields', level: 2 }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'New custom field' }).count(), 0);
    for (const path of ['/settings/users', '/settings/api-keys', '/insights/settings']) {
      await page.goto(path);
      await page.getByRole('alert').filter({ hasText: 'Only administrators can open this page.' }).waitFor();
    }
  } catch (err) {
    await saveScreenshot(page, 'analyst (read-only role)');
    throw err;
  } finally {
    await context.close();
  }
});
