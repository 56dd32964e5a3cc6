import assert from 'node:assert/strict';
import { browserTest, e2eSuite } from './support.ts';

// Stores and presence sensors as an admin sets them up: add a store, register a sensor and copy
// its token (shown once, with where to send), let the sensor report over HTTP, and read the
// hourly counts of known and unknown devices; then rename the sensor.

const env = e2eSuite();

browserTest(env, 'a store gets a sensor whose HTTP sightings show up as known and unknown counts', async (page) => {
  const person = await env().api<{ id: string }>('POST', '/people', { firstName: 'Tiina', lastName: 'Mäkelä' });
  await env().api('POST', `/contacts/${person.id}/devices`, { mac: 'AA:BB:CC:00:00:01', consentText: 'I agree that the store recognises my phone.', consentSource: 'store counter' });

  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stores' }).click();
  await page.getByRole('heading', { name: 'No stores yet' }).waitFor();
  await page.getByRole('button', { name: 'Add store' }).click();
  await page.getByText('Give the store a name').waitFor();
  await page.getByLabel('Store name').fill('Kamppi');
  await page.getByLabel('Address').fill('Urho Kekkosen katu 1');
  await page.getByRole('button', { name: 'Add store' }).click();
  await page.getByRole('table', { name: 'Stores' }).getByRole('link', { name: 'Kamppi' }).click();
  await page.getByRole('heading', { name: 'Kamppi', level: 1 }).waitFor();

  await page.getByLabel('Sensor name').fill('Entrance');
  await page.getByRole('button', { name: 'Register sensor' }).click();
  const token = ((await page.getByTestId('new-sensor-token').textContent()) ?? '').trim();
  assert.match(token, /^rs_/);
  const url = ((await page.getByTestId('sensor-url').textContent()) ?? '').trim();
  const topic = ((await page.getByTestId('sensor-topic').textContent()) ?? '').trim();
  assert.match(topic, /^rapport\/[0-9a-f-]{36}\/sensors\/[0-9a-f-]{36}\/sightings$/);
  assert.ok(url.startsWith(`${env().url}/api/v1/sensors/`) && url.endsWith('/sightings'), url);
  const sensor = page.getByRole('article', { name: 'Entrance' });
  await sensor.getByText('no report yet').waitFor();

  // The sensor reports with its own token at the address shown.
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sightings: [{ mac: 'AA:BB:CC:00:00:01', rssi: -55 }, { mac: '02:11:22:33:44:55', rssi: -70 }, { mac: '02:11:22:33:44:66', rssi: -80 }] }),
  });
  assert.equal(res.status, 200, await res.text());

  await page.reload();
  assert.equal(await page.getByTestId('new-sensor-token').count(), 0, 'the token is shown only once');
  const totals = sensor.getByTestId('sighting-totals');
  await totals.getByText('1 known device sighting').waitFor();
  await totals.getByText('2 unknown device sightings').waitFor();
  assert.equal(await sensor.getByText('no report yet').count(), 0, 'the last report time is shown');

  await sensor.getByRole('button', { name: 'Rename or move Entrance' }).click();
  await sensor.getByLabel('Sensor name').fill('Main door');
  await sensor.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('article', { name: 'Main door' }).waitFor();
});

browserTest(env, 'in Persian the stores list counts sensors in Persian digits like every other figure', async (page) => {
  await env().signIn();
  await page.goto('/stores');
  // Not by the table's name: that changes with the language.
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Kamppi' }) });
  await row.waitFor();
  // The count comes with the sensors list, a moment after the stores ('—' until then).
  const count = row.getByRole('cell').nth(2);
  await count.filter({ hasText: /^\s*1\s*$/ }).waitFor();
  await page.locator('#lang').selectOption('fa');
  try {
    await page.getByRole('table', { name: 'فروشگاه‌ها' }).waitFor();
    // The count was once printed as is: "1" among "۱۴۰۵" dates and "۷۰" sightings.
    await count.filter({ hasText: /^\s*۱\s*$/ }).waitFor();
    assert.equal(((await count.textContent()) ?? '').trim(), '۱');
  } finally {
    await page.locator('#lang').selectOption('en');
  }
});
