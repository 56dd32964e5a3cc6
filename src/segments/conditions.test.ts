import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { defineAttribute } from '../contacts/testing.ts';
import { birthdayDays } from './compile.ts';
import { client, daysAgo, interaction, order, person, preview, selects, sorted, stats, track } from './test-support.ts';

// What each condition type selects, checked through POST /segments/preview on small workspaces.

forEachEngine('Segment conditions', (env) => {
  it('selects by profile fields: kind, name, locale, source, created date', async () => {
    const c = await client(env());
    const a = await person(c, { firstName: 'Aino', locale: 'fi-FI', source: 'shop' });
    const b = await person(c, { firstName: 'Bertil', locale: 'sv', source: 'fair' });
    const co = (await c.call('POST', '/api/v1/companies', { name: 'Acme Oy', source: 'shop' })).body.id;
    assert.deepEqual(await selects(c, { type: 'profile', field: 'kind', op: 'eq', value: 'company' }), [co]);
    assert.deepEqual(await selects(c, { type: 'profile', field: 'name', op: 'contains', value: 'AINO' }), [a]);
    assert.deepEqual(await selects(c, { type: 'profile', field: 'locale', op: 'eq', value: 'sv' }), [b]);
    assert.deepEqual(await selects(c, { type: 'profile', field: 'locale', op: 'is_not_set' }), [co]);
    assert.deepEqual(await selects(c, { type: 'profile', field: 'source', op: 'neq', value: 'shop' }), [b]);
    assert.deepEqual(await selects(c, { type: 'profile', field: 'created_at', op: 'within_last_days', days: 1 }), sorted([a, b, co]));
    assert.deepEqual(await selects(c, { type: 'profile', field: 'created_at', op: 'before', value: '2000-01-01' }), []);
  });

  it('selects people whose birthday falls within the next N days', async () => {
    const c = await client(env());
    const soon = new Date(Date.now() + 3 * 86_400_000);
    const later = new Date(Date.now() + 60 * 86_400_000);
    const md = (d: Date) => d.toISOString().slice(5, 10);
    const yes = await person(c, { birthday: `1990-${md(soon)}` === '1990-02-29' ? '1992-02-29' : `1990-${md(soon)}` });
    await person(c, { birthday: `1990-${md(later)}` === '1990-02-29' ? '1992-02-29' : `1990-${md(later)}` });
    assert.deepEqual(await selects(c, { type: 'profile', field: 'birthday', op: 'within_next_days', days: 7 }), [yes]);
  });

  it('counts 29 February birthdays on 28 February in common years', () => {
    assert.ok(birthdayDays(0, new Date('2027-02-28T12:00:00Z')).includes('02-29'));
    assert.ok(!birthdayDays(0, new Date('2028-02-28T12:00:00Z')).includes('02-29'));
    assert.deepEqual(birthdayDays(2, new Date('2026-12-31T00:00:00Z')), ['12-31', '01-01', '01-02']);
  });

  it('selects by tags, and combines with AND, OR and NOT', async () => {
    const c = await client(env());
    const vip = await person(c, { tags: ['vip', 'newsletter'] });
    const news = await person(c, { tags: ['newsletter'] });
    const none = await person(c, {});
    assert.deepEqual(await selects(c, { type: 'tag', op: 'has', value: 'vip' }), [vip]);
    assert.deepEqual(await selects(c, { type: 'tag', op: 'has_not', value: 'newsletter' }), [none]);
    const either = { op: 'or', rules: [{ type: 'tag', op: 'has', value: 'vip' }, { type: 'tag', op: 'has', value: 'newsletter' }] };
    assert.deepEqual(await selects(c, either), sorted([vip, news]));
    assert.deepEqual(await selects(c, { op: 'and', rules: [either, { not: { type: 'tag', op: 'has', value: 'vip' } }] }), [news]);
    // NOT over a NULL-valued comparison still selects: a missing locale is "not Finnish".
    assert.deepEqual(await selects(c, { not: { type: 'profile', field: 'locale', op: 'eq', value: 'fi' } }), sorted([vip, news, none]));
  });

  it('selects by custom attributes according to their defined type', async () => {
    const c = await client(env());
    await defineAttribute(c, { key: 'shoe_size', label: 'Shoe size', type: 'number' });
    await defineAttribute(c, { key: 'club', label: 'Club', type: 'text' });
    await defineAttribute(c, { key: 'joined', label: 'Joined', type: 'date' });
    await defineAttribute(c, { key: 'pro', label: 'Pro', type: 'boolean' });
    await defineAttribute(c, { key: 'size', label: 'Size', type: 'choice', choices: ['S', 'M', 'L'] });
    const recent = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const a = await person(c, { attributes: { shoe_size: 42, club: 'Runners North', joined: '2020-05-01', pro: true, size: 'M' } });
    const b = await person(c, { attributes: { shoe_size: 38, club: 'Chess', joined: recent, pro: false, size: 'L' } });
    const none = await person(c, {});
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'shoe_size', op: 'gte', value: 40 }), [a]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'shoe_size', op: 'lt', value: 40 }), [b]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'club', op: 'contains', value: 'north' }), [a]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'club', op: 'neq', value: 'chess' }), sorted([a, none]));
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'joined', op: 'before', value: '2021-01-01' }), [a]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'joined', op: 'within_last_days', days: 30 }), [b]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'pro', op: 'eq', value: false }), [b]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'size', op: 'in', value: ['S', 'M'] }), [a]);
    assert.deepEqual(await selects(c, { type: 'attribute', key: 'size', op: 'is_not_set' }), [none]);
  });

  it('selects by order figures, including customers who never ordered', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const big = await person(c);
    const small = await person(c);
    const never = await person(c);
    await stats(env(), ws, big, { orderCount: 12, totalMinor: 250_000, lastOrderDaysAgo: 3, sku: 'TEA-1' });
    await stats(env(), ws, small, { orderCount: 1, totalMinor: 900, lastOrderDaysAgo: 200 });
    assert.deepEqual(await selects(c, { type: 'order_figures', field: 'order_count', op: 'lt', value: 2 }), sorted([small, never]));
    assert.deepEqual(await selects(c, { type: 'order_figures', field: 'total_minor', op: 'gte', value: 100_000 }), [big]);
    assert.deepEqual(await selects(c, { type: 'order_figures', field: 'days_since_last_order', op: 'gt', value: 90 }), [small]);
    assert.deepEqual(await selects(c, { type: 'order_figures', field: 'avg_minor', op: 'eq', value: 900 }), [small]);
    assert.deepEqual(await selects(c, { type: 'order_figures', field: 'favourite_sku', op: 'eq', value: 'TEA-1' }), [big]);
  });

  it('selects by how customers pay: on-time share, days late, days overdue, amount due', async () => {
    const c = await client(env());
    await c.call('POST', '/api/v1/products', { sku: 'TEA', name: 'Tea', priceMinor: 1000, currency: 'EUR' });
    const [punctual, late, overdue, never] = [await person(c), await person(c), await person(c), await person(c)];
    const buy = async (contactId: string, ago: number) =>
      assert.equal((await c.call('POST', '/api/v1/orders', { contactId, orderedAt: daysAgo(ago).toISOString(), lines: [{ sku: 'TEA', quantity: 1 }] })).status, 201);
    const pay = async (contactId: string, ago: number) =>
      assert.equal((await c.call('POST', '/api/v1/payments', { contactId, amountMinor: 1000, paidAt: daysAgo(ago).toISOString() })).status, 201);
    await buy(punctual, 60);
    await pay(punctual, 50); // due 46 days ago
    await buy(late, 60);
    await pay(late, 30); // 16 days late
    await buy(overdue, 40); // due 26 days ago, unpaid
    const payments = (field: string, op: string, value: number) => selects(c, { type: 'payments', field, op, value });
    assert.deepEqual(await payments('on_time_percent', 'gte', 100), [punctual]);
    assert.deepEqual(await payments('on_time_percent', 'lt', 50), [late], 'no settled order: no share to compare');
    assert.deepEqual(await payments('average_days_late', 'gt', 10), [late]);
    assert.deepEqual(await payments('days_overdue', 'gte', 20), [overdue]);
    assert.deepEqual(await payments('days_overdue', 'eq', 0), sorted([punctual, late, never]));
    assert.deepEqual(await payments('amount_due_minor', 'gt', 0), [overdue]);
    assert.deepEqual(await selects(c, { not: { type: 'payments', field: 'on_time_percent', op: 'gte', value: 100 } }), sorted([late, overdue, never]));
    const bad = await preview(c, { type: 'payments', field: 'credit_score', op: 'gt', value: 1 });
    assert.equal(bad.status, 400);
    assert.equal((await preview(c, { type: 'payments', field: 'days_overdue', op: 'gt', value: -1 })).status, 400);
  });

  it('selects by events: at least N times within D days, and none since D days', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const loyal = await person(c);
    const lapsed = await person(c);
    const once = await person(c);
    for (const d of [40, 50, 60]) await track(env(), ws, loyal, 'Order Completed', daysAgo(d));
    for (const d of [5, 50, 60]) await track(env(), ws, lapsed, 'Order Completed', daysAgo(d));
    await track(env(), ws, once, 'Order Completed', daysAgo(10));
    await track(env(), ws, null, 'Order Completed', daysAgo(10)); // anonymous: belongs to nobody
    await track(env(), ws, once, 'Product Viewed', daysAgo(1));
    const rule = {
      op: 'and',
      rules: [
        { type: 'event', name: 'Order Completed', op: 'at_least', count: 3, withinDays: 90 },
        { type: 'event', name: 'Order Completed', op: 'none', withinDays: 30 },
      ],
    };
    assert.deepEqual(await selects(c, rule), [loyal]);
    assert.deepEqual(await selects(c, { type: 'event', name: 'Product Viewed', op: 'at_least', count: 1, withinDays: 7 }), [once]);
    assert.deepEqual(await selects(c, { not: { type: 'event', name: 'Order Completed', op: 'at_least', count: 1, withinDays: 90 } }), []);
    // Under OR the activity set does not bound the result: the other compiled form, same answer.
    const viewedOrNamed = { op: 'or', rules: [{ type: 'event', name: 'Product Viewed', op: 'at_least', count: 1, withinDays: 7 }, { type: 'profile', field: 'name', op: 'eq', value: 'nobody' }] };
    assert.deepEqual(await selects(c, viewedOrNamed), [once]);
  });

  it('selects by purchases in the orders table, ignoring cancelled orders', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const buyer = await person(c);
    const canceller = await person(c);
    await order(env(), ws, buyer, daysAgo(10));
    await order(env(), ws, buyer, daysAgo(20));
    await order(env(), ws, canceller, daysAgo(10), 'cancelled');
    await order(env(), ws, canceller, daysAgo(12), 'cancelled');
    assert.deepEqual(await selects(c, { type: 'purchases', op: 'at_least', count: 2, withinDays: 30 }), [buyer]);
    assert.deepEqual(await selects(c, { type: 'purchases', op: 'none', withinDays: 30 }), [canceller]);
  });

  it('selects by last contact on any channel or one channel, and by store visits', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const called = await person(c);
    const noted = await person(c);
    const visitor = await person(c);
    await interaction(env(), ws, called, 'call', 'outbound', daysAgo(2));
    await interaction(env(), ws, noted, 'note', 'internal', daysAgo(2)); // an internal note is not contact with the customer
    await interaction(env(), ws, visitor, 'visit', 'inbound', daysAgo(3));
    await track(env(), ws, visitor, 'Store Visit', daysAgo(4));
    assert.deepEqual(await selects(c, { type: 'last_contact', op: 'within_last_days', days: 7 }), sorted([called, visitor]));
    assert.deepEqual(await selects(c, { type: 'last_contact', op: 'within_last_days', days: 7, channel: 'call' }), [called]);
    assert.deepEqual(await selects(c, { type: 'last_contact', op: 'not_within_last_days', days: 7 }), [noted]);
    assert.deepEqual(await selects(c, { type: 'store_visits', op: 'at_least', count: 2, withinDays: 30 }), [visitor]);
    assert.deepEqual(await selects(c, { type: 'store_visits', op: 'none', withinDays: 30 }), sorted([called, noted]));
  });

  it('answers a count, a sample of at most 20 and the planner cost', async () => {
    const c = await client(env());
    for (let i = 0; i < 23; i++) await person(c, { tags: ['bulk'] });
    const r = await preview(c, { type: 'tag', op: 'has', value: 'bulk' });
    assert.equal(r.status, 200);
    assert.equal(r.body.count, 23);
    assert.equal(r.body.sample.length, 20);
    assert.ok(r.body.sample[0].email.endsWith('@example.test'));
    assert.equal(typeof r.body.planCost, 'number');
    assert.ok(r.body.planCost > 0);
  });

  it('refuses consent conditions as not available yet', async () => {
    const c = await client(env());
    const r = await preview(c, { op: 'and', rules: [{ type: 'tag', op: 'has', value: 'x' }, { type: 'consent', channel: 'email', op: 'granted' }] });
    assert.equal(r.status, 400);
    assert.match(r.body.error.fields['rule.rules.1.type'][0], /not available yet/);
  });
});
