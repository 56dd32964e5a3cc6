import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, createPerson, type Client } from './testing.ts';

// The customer list filtered by order figures, e.g. "last order more than 90 days ago".

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

async function order(c: Client, contactId: string, at: string) {
  const r = await c.call('POST', '/api/v1/orders', { contactId, orderedAt: at, lines: [{ sku: 'TEA-1', quantity: 1 }] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

forEachEngine('Customer list by order figures', (env) => {
  it('finds customers whose last order is older or newer than N days, and frequent buyers', async () => {
    const c = await client(env());
    const product = await c.call('POST', '/api/v1/products', { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' });
    assert.equal(product.status, 201);
    const lapsed = await createPerson(c, { firstName: 'Aino', lastName: 'Lapsed' });
    const recent = await createPerson(c, { firstName: 'Boris', lastName: 'Recent' });
    await createPerson(c, { firstName: 'Cyrus', lastName: 'Never' });
    await order(c, lapsed.id, daysAgo(200));
    await order(c, recent.id, daysAgo(300));
    await order(c, recent.id, daysAgo(5));

    const names = async (q: string) => (await c.call('GET', `/api/v1/people?${q}`)).body.items.map((p: any) => p.lastName);
    assert.deepEqual(await names('lastOrderDaysAgoMin=90'), ['Lapsed'], 'never-ordered customers are not "lapsed"');
    assert.deepEqual(await names('lastOrderDaysAgoMax=30'), ['Recent']);
    assert.deepEqual(await names('ordersMin=2'), ['Recent']);
    assert.deepEqual(await names('ordersMin=1&sort=created'), ['Recent', 'Lapsed']);
    assert.deepEqual(await names('lastOrderDaysAgoMin=90&search=aino'), ['Lapsed']);
  });

  it('refuses negative, fractional or non-numeric day counts with the parameter named', async () => {
    const c = await client(env());
    for (const bad of ['lastOrderDaysAgoMin=-1', 'lastOrderDaysAgoMin=abc', 'ordersMin=1.5', "lastOrderDaysAgoMax=1;drop table contacts"]) {
      const r = await c.call('GET', `/api/v1/people?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.ok(Object.keys(r.body.error.fields).some((k) => k.startsWith('query.')), JSON.stringify(r.body));
    }
  });
});
