import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { auditActions, client, createCompany, createPerson, defineAttribute } from './testing.ts';

forEachEngine('Merging duplicates', (env) => {
  it('merges two people: identities, tags, attributes, timeline and orders move to the kept record', async () => {
    const c = await client(env());
    await defineAttribute(c, { key: 'tier', label: 'Tier', type: 'choice', choices: ['gold', 'silver'] });
    await defineAttribute(c, { key: 'visits', label: 'Visits', type: 'number' });
    const keep = await createPerson(c, {
      firstName: 'Anna',
      emails: ['anna@example.com'],
      tags: ['vip'],
      attributes: { tier: 'gold' },
    });
    const dup = await createPerson(c, {
      firstName: 'Anna',
      lastName: 'Virtanen',
      emails: ['anna.virtanen@work.example', 'anna@example.org'],
      phones: ['+358401234567'],
      externalIds: ['shop:77'],
      tags: ['newsletter', 'vip'],
      attributes: { tier: 'silver', visits: 3 },
      birthday: '1980-05-05',
    });
    await c.call('POST', `/api/v1/contacts/${dup.id}/timeline`, { channel: 'call', summary: 'Called about an order' });
    const product = await c.call('POST', '/api/v1/products', { sku: 'CUP', name: 'Cup', priceMinor: 1200, currency: 'EUR' });
    assert.equal(product.status, 201);
    const order = await c.call('POST', '/api/v1/orders', { contactId: dup.id, currency: 'EUR', lines: [{ sku: 'CUP', quantity: 1 }] });
    assert.equal(order.status, 201, JSON.stringify(order.body));

    const r = await c.call('POST', '/api/v1/contacts/merge', { keepId: keep.id, mergeId: dup.id });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const m = r.body;
    assert.deepEqual(m.emails, ['anna@example.com', 'anna.virtanen@work.example', 'anna@example.org']);
    assert.deepEqual(m.phones, ['+358401234567']);
    assert.deepEqual(m.externalIds, ['shop:77']);
    assert.deepEqual(m.tags, ['vip', 'newsletter']);
    assert.deepEqual(m.attributes, { tier: 'gold', visits: 3 }, "the kept record's values win; gaps are filled");
    assert.equal(m.lastName, 'Virtanen');
    assert.equal(m.name, 'Anna Virtanen');
    assert.equal(m.birthday, '1980-05-05');

    for (const q of ['email=anna.virtanen@work.example', 'phone=%2B358401234567', 'externalId=shop:77']) {
      assert.equal((await c.call('GET', `/api/v1/contacts/lookup?${q}`)).body.id, keep.id, q);
    }
    const gone = await c.call('GET', `/api/v1/people/${dup.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body.error.fields.mergedInto, [keep.id]);
    assert.deepEqual((await c.call('GET', `/api/v1/contacts/${dup.id}/360`)).body.error.fields.mergedInto, [keep.id]);

    const view = await c.call('GET', `/api/v1/contacts/${keep.id}/360`);
    assert.equal(view.body.figures.orderCount, 1);
    assert.equal(view.body.figures.totalMinor, 1200);
    const types = view.body.timeline.items.map((i: any) => i.type);
    assert.equal(types[0], 'merge', 'the merge is the newest entry');
    assert.ok(types.includes('call.logged'), 'the duplicate timeline moved');
    assert.ok(view.body.timeline.items.some((i: any) => i.channel === 'order'));
    const list = await c.call('GET', '/api/v1/people');
    assert.deepEqual(list.body.items.map((i: any) => i.id), [keep.id], 'the merged-away record is not listed');
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, keep.id), ['person.create', 'person.merge']);
    const tags = await c.call('GET', '/api/v1/tags');
    assert.deepEqual(tags.body.items, [
      { tag: 'newsletter', count: 1 },
      { tag: 'vip', count: 1 },
    ], 'the merged-away record no longer counts');
    assert.deepEqual((await c.call('GET', '/api/v1/people?tag=newsletter')).body.items.map((i: any) => i.id), [keep.id]);
  });

  it('moves the people of a merged company and re-points earlier merges', async () => {
    const c = await client(env());
    const keep = await createCompany(c, { name: 'Acme Oy' });
    const dup = await createCompany(c, { name: 'ACME Oy (old)' });
    const older = await createCompany(c, { name: 'Acme Ltd' });
    const worker = await createPerson(c, { firstName: 'Matti', companyId: dup.id });
    assert.equal((await c.call('POST', '/api/v1/contacts/merge', { keepId: dup.id, mergeId: older.id })).status, 200);
    assert.equal((await c.call('POST', '/api/v1/contacts/merge', { keepId: keep.id, mergeId: dup.id })).status, 200);
    assert.equal((await c.call('GET', `/api/v1/people/${worker.id}`)).body.companyId, keep.id);
    const old = await c.call('GET', `/api/v1/companies/${older.id}`);
    assert.deepEqual(old.body.error.fields.mergedInto, [keep.id], 'one hop to the survivor');
  });

  it('refuses merges across kinds, workspaces, of dead records or with itself', async () => {
    const c = await client(env());
    const other = await client(env());
    const person = await createPerson(c, { firstName: 'P' });
    const person2 = await createPerson(c, { firstName: 'Q' });
    const company = await createCompany(c, { name: 'C' });
    const foreign = await createPerson(other, { firstName: 'F' });
    const deleted = await createPerson(c, { firstName: 'D' });
    await c.call('DELETE', `/api/v1/people/${deleted.id}`);
    const merge = (keepId: string, mergeId: string) => c.call('POST', '/api/v1/contacts/merge', { keepId, mergeId });
    assert.equal((await merge(person.id, company.id)).status, 400);
    assert.equal((await merge(person.id, foreign.id)).status, 404);
    assert.equal((await merge(foreign.id, person.id)).status, 404);
    assert.equal((await merge(person.id, deleted.id)).status, 404);
    assert.equal((await merge(person.id, person.id)).status, 400);
    assert.equal((await c.call('POST', '/api/v1/contacts/merge', { keepId: person.id, mergeId: "x' or 1=1" })).status, 400);
    assert.equal((await c.call('POST', '/api/v1/contacts/merge', { keepId: person.id })).status, 400);
    assert.equal((await c.call('POST', '/api/v1/contacts/merge', { keepId: person.id, mergeId: person2.id, pad: 'x'.repeat(2_000_000) })).status, 413);
    const analyst = await c.as('analyst');
    assert.equal((await analyst.call('POST', '/api/v1/contacts/merge', { keepId: person.id, mergeId: person2.id })).status, 403);
    assert.equal((await merge(person.id, person2.id)).status, 200);
    assert.equal((await merge(person.id, person2.id)).status, 404, 'a merged-away record cannot be merged again');
    assert.equal((await other.call('GET', `/api/v1/people/${foreign.id}`)).status, 200, 'the other workspace is untouched');
  });
});
