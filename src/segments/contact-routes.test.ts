import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, person } from './test-support.ts';

forEachEngine('A customer’s segments', (env) => {
  it('lists the dynamic segments and static lists a customer is in, by name', async () => {
    const c = await client(env());
    const vip = await person(c, { tags: ['vip'] });
    const plain = await person(c);
    const dyn = (await c.call('POST', '/api/v1/segments', { name: 'VIPs', kind: 'dynamic', rule: { type: 'tag', op: 'has', value: 'vip' } })).body.id;
    const list = (await c.call('POST', '/api/v1/segments', { name: 'Autumn fair', kind: 'static' })).body.id;
    await c.call('POST', '/api/v1/segments', { name: 'Empty list', kind: 'static' });
    assert.equal((await c.call('POST', `/api/v1/segments/${dyn}/rebuild`)).status, 200);
    assert.equal((await c.call('POST', `/api/v1/segments/${list}/members`, { contactIds: [vip] })).status, 200);

    const got = await c.call('GET', `/api/v1/contacts/${vip}/segments`);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.deepEqual(got.body.items.map((s: any) => [s.name, s.kind]), [['Autumn fair', 'static'], ['VIPs', 'dynamic']]);
    assert.ok(!Number.isNaN(Date.parse(got.body.items[0].since)));
    assert.deepEqual((await c.call('GET', `/api/v1/contacts/${plain}/segments`)).body.items, []);
  });

  it('answers 400 for a bad id and 404 for an unknown or foreign contact', async () => {
    const c = await client(env());
    const other = await client(env());
    const theirs = await person(other);
    assert.equal((await c.call('GET', '/api/v1/contacts/1%27%20or%201=1/segments')).status, 400);
    assert.equal((await c.call('GET', '/api/v1/contacts/00000000-0000-4000-8000-000000000000/segments')).status, 404);
    assert.equal((await c.call('GET', `/api/v1/contacts/${theirs}/segments`)).status, 404);
  });
});
