import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine, type TestEnv } from '../../test/support/harness.ts';
import { getOrderFigures } from '../orders/figures.ts';
import { loadContact, toContact } from './records.ts';
import { listTimeline } from './timeline.ts';
import { TIMELINE_FIRST_PAGE } from './view360.ts';
import { client, createCompany, createPerson, type Client } from './testing.ts';

// The 360 view reads everything in two statements; this holds its answer equal to the one put
// together from the separate reads it replaced (contact, company, figures, timeline, complaints).

async function separately(env: TestEnv, workspaceId: string, id: string): Promise<unknown> {
  const db = env.engine.db;
  const contact = toContact(await loadContact(db, workspaceId, id));
  const company = contact.companyId
    ? await db
        .selectFrom('contacts')
        .select(['id', 'name'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', contact.companyId)
        .where('merged_into', 'is', null)
        .where('deleted_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  const complaints = await db
    .selectFrom('complaints')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  const view = {
    contact: { ...contact, company: company ?? null },
    figures: await getOrderFigures(db, workspaceId, id),
    timeline: await listTimeline(db, workspaceId, id, { limit: TIMELINE_FIRST_PAGE }),
    complaintsOpen: Number(complaints.n),
  };
  return JSON.parse(JSON.stringify(view));
}

async function same(env: TestEnv, c: Client, id: string): Promise<any> {
  const r = await c.call('GET', `/api/v1/contacts/${id}/360`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, await separately(env, c.ws.workspaceId, id));
  return r.body;
}

forEachEngine('360 view in two statements', (env) => {
  it('answers exactly what the separate reads give: company, figures with favourite product, timeline, complaints', async () => {
    const c = await client(env());
    const acme = await createCompany(c, { name: 'Acme Oy' });
    const p = await createPerson(c, { firstName: 'Aino', lastName: 'Laine', companyId: acme.id, emails: ['aino@example.com'], tags: ['vip'], birthday: '1990-02-03' });
    for (let i = 0; i < 23; i++) {
      await c.call('POST', `/api/v1/contacts/${p.id}/timeline`, { channel: 'note', summary: `note ${i}`, occurredAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() });
    }
    assert.equal((await c.call('POST', '/api/v1/products', { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' })).status, 201);
    for (const quantity of [2, 3]) {
      const order = await c.call('POST', '/api/v1/orders', { contactId: p.id, currency: 'EUR', lines: [{ sku: 'TEA-1', quantity }] });
      assert.equal(order.status, 201, JSON.stringify(order.body));
    }
    assert.equal((await c.call('POST', '/api/v1/complaints', { contactId: p.id, subject: 'Broken cup' })).status, 201);

    const view = await same(env(), c, p.id);
    assert.deepEqual(view.contact.company, { id: acme.id, name: 'Acme Oy' });
    assert.equal(view.figures.orderCount, 2);
    assert.equal(view.figures.favouriteProduct.sku, 'TEA-1');
    assert.equal(view.complaintsOpen, 1);
    assert.equal(view.timeline.items.length, TIMELINE_FIRST_PAGE);
    assert.ok(view.timeline.nextCursor);

    // A deleted company is no company; a customer who never ordered has zero figures.
    assert.equal((await c.call('DELETE', `/api/v1/companies/${acme.id}`)).status, 204);
    const alone = await createPerson(c, { firstName: 'Ville' });
    assert.equal((await same(env(), c, alone.id)).figures.orderCount, 0);
    assert.equal((await same(env(), c, p.id)).contact.company, null);
  });

  it('includes the events of records merged into the customer, and answers 404 for deleted and merged-away ids', async () => {
    const c = await client(env());
    const keep = await createPerson(c, { firstName: 'Anna', emails: ['anna@example.com'] });
    const dup = await createPerson(c, { firstName: 'Anna', lastName: 'V', emails: ['anna@example.org'] });
    await env()
      .engine.db.insertInto('events')
      .values({ workspace_id: c.ws.workspaceId, message_id: `m-${dup.id}`, type: 'track', event: 'Viewed Product', contact_id: dup.id, occurred_at: new Date('2024-03-01T10:00:00Z') })
      .execute();
    assert.equal((await c.call('POST', '/api/v1/contacts/merge', { keepId: keep.id, mergeId: dup.id })).status, 200);

    const view = await same(env(), c, keep.id);
    assert.ok(view.timeline.items.some((i: any) => i.summary === 'Viewed Product'), "the merged record's event is on the kept timeline");

    const merged = await c.call('GET', `/api/v1/contacts/${dup.id}/360`);
    assert.equal(merged.status, 404);
    assert.deepEqual(merged.body.error.fields.mergedInto, [keep.id]);
    const gone = await createPerson(c, { firstName: 'Gone' });
    assert.equal((await c.call('DELETE', `/api/v1/people/${gone.id}`)).status, 204);
    assert.equal((await c.call('GET', `/api/v1/contacts/${gone.id}/360`)).status, 404);
    const other = await client(env());
    assert.equal((await other.call('GET', `/api/v1/contacts/${keep.id}/360`)).status, 404, 'another workspace');
  });
});
