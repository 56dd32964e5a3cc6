import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { browserTest, e2eSuite } from './support.ts';

// Events as a user meets them: create an event source and see its key once, send events with it
// the way a Segment library does, watch them arrive in the workspace stream (and stop arriving
// while paused), open one, and follow it to the customer's page where their events are listed.

const env = e2eSuite();
let writeKey = '';

async function send(batch: unknown[]) {
  const res = await fetch(`${env().url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ batch: batch.map((e) => ({ messageId: randomUUID(), ...(e as object) })) }),
  });
  assert.equal(res.status, 200, await res.text());
}

browserTest(env, 'an admin creates an event source and sees its write key once, with code to use it', async (page) => {
  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
  await page.getByRole('heading', { name: 'No events yet' }).waitFor();
  await page.getByRole('link', { name: 'Create an event source' }).click();
  // Typing before the list has loaded was lost once under load (the form re-rendered empty).
  await page.getByText('No event sources yet').waitFor();
  await page.getByLabel('Name').fill('Web shop');
  assert.equal(await page.getByLabel('Name').inputValue(), 'Web shop');
  await page.getByRole('button', { name: 'Create event source' }).click();
  const key = page.getByTestId('new-write-key');
  await key.waitFor();
  writeKey = (await key.textContent())?.trim() ?? '';
  assert.match(writeKey, /^wk_/);
  assert.ok((await page.getByTestId('snippet-curl').textContent())?.includes(`-u '${writeKey}:'`), 'the curl example carries the key');
  assert.ok((await page.getByTestId('snippet-node').textContent())?.includes(env().url), 'the Node example points at this Rapport');

  const table = page.getByRole('table', { name: 'Event sources' });
  await table.getByRole('cell', { name: 'Web shop', exact: true }).waitFor();
  await page.reload();
  await table.getByRole('cell', { name: 'Web shop', exact: true }).waitFor();
  assert.equal(await page.getByTestId('new-write-key').count(), 0, 'the key is not shown again');
  assert.ok(!(await page.content()).includes(writeKey));
});

browserTest(env, 'events sent with the key appear live in the stream, pause stops them, and one opens with its properties', async (page) => {
  assert.ok(writeKey, 'needs the key from the previous test');
  await send([
    { type: 'identify', userId: 'shop-1', traits: { firstName: 'Aino', lastName: 'Virtanen', email: 'aino@example.test' } },
    { type: 'track', userId: 'shop-1', event: 'Product Viewed', properties: { sku: 'TEA-42', price: 12.5 } },
  ]);
  await env().signIn();
  await page.goto('/events');
  const stream = page.getByRole('list', { name: 'Event stream' });
  await stream.getByText('Product Viewed').waitFor();

  // Live: a new event shows on top without reloading.
  await send([{ type: 'track', userId: 'shop-1', event: 'Order Completed', properties: { total: 42.5, currency: 'EUR' } }]);
  await stream.getByText('Order Completed').waitFor();
  assert.match((await page.getByTestId('event-row').first().textContent()) ?? '', /Order Completed/);

  // Paused: nothing new comes in until it resumes.
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByText('Paused').waitFor();
  await send([{ type: 'track', userId: 'shop-1', event: 'Coupon Used' }]);
  await page.waitForTimeout(6_000); // longer than two polls: the paused list must not take it
  assert.equal(await stream.getByText('Coupon Used').count(), 0, 'a paused stream does not change');
  await page.getByRole('button', { name: 'Resume' }).click();
  await stream.getByText('Coupon Used').waitFor();

  // Filters narrow the list.
  await page.getByLabel('Event name').fill('Order Completed');
  await stream.getByText('Product Viewed').waitFor({ state: 'detached' });
  // The old list goes before the filtered one arrives: wait for the filtered one, then count.
  await stream.getByText('Order Completed').waitFor();
  assert.equal(await page.getByTestId('event-row').count(), 1);

  // The detail shows the properties as JSON and links to the customer.
  await stream.getByRole('button', { name: /Order Completed/ }).click();
  const detail = page.getByRole('region', { name: 'Details of Order Completed' });
  const props = JSON.parse((await detail.getByTestId('event-properties').textContent()) ?? '{}');
  assert.deepEqual(props, { total: 42.5, currency: 'EUR' });
  await detail.getByRole('link', { name: 'Aino Virtanen' }).click();
  await page.getByRole('heading', { name: 'Aino Virtanen', level: 1 }).waitFor();
});

browserTest(env, 'the customer’s page lists their events and picks up a new one', async (page) => {
  await env().signIn();
  const found = await env().api<{ items: Array<{ id: string; name: string }> }>('GET', '/people?search=Aino');
  const aino = found.items.find((c) => c.name === 'Aino Virtanen');
  assert.ok(aino);
  await page.goto(`/customers/${aino.id}`);
  const events = page.getByRole('region', { name: 'Events' });
  const list = events.getByRole('list', { name: 'Events' });
  await list.getByText('Order Completed').waitFor();
  await list.getByText('Product Viewed').waitFor();
  // Another visitor's event is sent first: once hers shows, the poll that brought it has seen both.
  await send([{ type: 'track', anonymousId: 'someone-else', event: 'Stranger Event' }]);
  await send([{ type: 'track', userId: 'shop-1', event: 'Newsletter Opened' }]);
  await list.getByText('Newsletter Opened').waitFor();
  assert.equal(await list.getByText('Stranger Event').count(), 0, 'another visitor’s events are not on this page');
});

browserTest(env, 'on the customer’s timeline tracked events are labelled as events and can be shown on their own', async (page) => {
  await env().signIn();
  const found = await env().api<{ items: Array<{ id: string; name: string }> }>('GET', '/people?search=Aino');
  const aino = found.items.find((c) => c.name === 'Aino Virtanen');
  assert.ok(aino);
  await env().api('POST', `/contacts/${aino.id}/timeline`, { channel: 'note', summary: 'Asked about gift cards' });
  await page.goto(`/customers/${aino.id}`);
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const entries = timeline.getByRole('list', { name: 'Timeline' }).getByRole('listitem');
  await entries.filter({ hasText: 'Asked about gift cards' }).waitFor();
  const viewed = entries.filter({ hasText: 'Product Viewed' });
  assert.match((await viewed.textContent()) ?? '', /^Event/, 'the channel reads "Event", not the raw key');

  await timeline.getByRole('group', { name: 'Show channel' }).getByRole('button', { name: 'Event', exact: true }).click();
  await entries.filter({ hasText: 'Asked about gift cards' }).waitFor({ state: 'detached' });
  await entries.filter({ hasText: 'Product Viewed' }).waitFor();
  await entries.filter({ hasText: 'Order Completed' }).waitFor();
});

browserTest(env, 'a write key copies even where the browser offers no Clipboard API (plain http on a LAN address)', async (page) => {
  await env().signIn();
  await page.goto('/events/sources');
  await page.getByRole('table', { name: 'Event sources' }).waitFor();
  // Secure contexts only have navigator.clipboard; http://192.168.x.x:3000 has none.
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    document.addEventListener('copy', () => {
      (window as unknown as { copied: string }).copied = String(document.getSelection() ?? '');
    });
  });
  await page.getByLabel('Name').fill('Kiosk');
  await page.getByRole('button', { name: 'Create event source' }).click();
  const key = ((await page.getByTestId('new-write-key').textContent()) ?? '').trim();
  assert.match(key, /^wk_/);
  await page.getByRole('button', { name: 'Copy key' }).click();
  // The button once did nothing at all here: no copy, no word.
  await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => (window as unknown as { copied?: string }).copied), key);
});

browserTest(env, 'on a phone-wide screen an event’s name stays readable, and an identify reads as one word in the reader’s language', async (page) => {
  await send([{ type: 'track', userId: 'shop-1', event: 'Subscription Renewed' }, { type: 'identify', userId: 'shop-1', traits: { plan: 'gold' } }]);
  await env().signIn();
  await page.setViewportSize({ width: 375, height: 800 });
  try {
    await page.goto('/events');
    const stream = page.getByRole('list', { name: 'Event stream' });
    const name = stream.getByText('Subscription Renewed', { exact: true });
    await name.waitFor();
    const box = await name.boundingBox();
    // The customer's name and the time beside it once squeezed the event's name to its first letter.
    assert.ok(box && box.width > 120, `the name is ${box?.width}px wide`);

    const identify = page.getByTestId('event-row').filter({ hasText: 'Identify' }).first();
    await identify.waitFor();
    assert.doesNotMatch((await identify.getByRole('button').first().textContent()) ?? '', /identify/, 'the raw type is not shown beside its label');
    await identify.getByRole('button', { name: /Identify/ }).first().click();
    await page.getByRole('region', { name: 'Details of Identify' }).waitFor();
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});
