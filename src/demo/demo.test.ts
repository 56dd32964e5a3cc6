import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { forEachEngine, type TestWorkspace } from '../../test/support/harness.ts';
import { normalizeEmail } from '../contacts/normalize.ts';
import { Conflict, ValidationError } from '../platform/errors.ts';
import { demoCommands } from './cli.ts';
import { generateDemo, type DemoSummary } from './service.ts';

const DAY = 86_400_000;

forEachEngine('demo data', (env) => {
  let loaded: Promise<{ ws: TestWorkspace; summary: DemoSummary; now: number }> | undefined;
  const demo = () =>
    (loaded ??= (async () => {
      const ws = await env().workspace();
      const now = Date.now();
      const summary = await generateDemo(env().engine, { workspaceId: ws.workspaceId, customers: 300, seed: 11, batchSize: 120 });
      return { ws, summary, now };
    })());
  const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(env().engine.db)).rows;

  it('fills a workspace with people and companies in English, Finnish, Russian, Persian and Norwegian', async () => {
    const { ws } = await demo();
    const contacts = await rows(sql<{ kind: string; name: string; locale: string; time_zone: string; company_id: string | null }>`
      select kind, name, locale, time_zone, company_id from contacts where workspace_id = ${ws.workspaceId}`);
    assert.equal(contacts.length, 300);
    assert.equal(contacts.filter((c) => c.kind === 'company').length, 30);
    assert.deepEqual(new Set(contacts.map((c) => c.locale)), new Set(['en', 'fi', 'ru', 'fa', 'nb']));
    assert.ok(contacts.some((c) => /[\u0400-\u04ff]/.test(c.name)), 'Cyrillic names');
    assert.ok(contacts.some((c) => /[\u0600-\u06ff]/.test(c.name)), 'Persian names in Arabic script');
    assert.ok(contacts.some((c) => /[äöå]/.test(c.name) && c.locale === 'fi'), 'Finnish letters kept');
    assert.ok(contacts.some((c) => c.locale === 'fa' && c.time_zone === 'Asia/Tehran'));
    assert.ok(contacts.some((c) => c.kind === 'person' && c.company_id), 'some people work for a company');
  });

  it('gives every customer a unique valid e-mail and valid E.164 mobile phones, mirrored as identities', async () => {
    const { ws } = await demo();
    const contacts = await rows(sql<{ id: string; emails: string[]; phones: string[]; external_ids: string[] }>`
      select id, emails, phones, external_ids from contacts where workspace_id = ${ws.workspaceId}`);
    const emails = contacts.flatMap((c) => c.emails);
    assert.equal(emails.length, 300);
    assert.equal(new Set(emails).size, 300, 'e-mails are unique');
    for (const e of emails) assert.deepEqual(normalizeEmail(e), { ok: true, value: e });
    const phones = contacts.flatMap((c) => c.phones);
    assert.ok(phones.length > 200);
    for (const p of phones) {
      const parsed = parsePhoneNumberFromString(p);
      assert.ok(parsed?.isValid() && parsed.number === p && parsed.getType() === 'MOBILE', `${p} is a valid E.164 mobile`);
    }
    const identities = await rows(sql<{ kind: string; n: number }>`
      select kind, count(*)::int as n from contact_identities where workspace_id = ${ws.workspaceId} group by kind`);
    const byKind = Object.fromEntries(identities.map((r) => [r.kind, Number(r.n)]));
    assert.equal(byKind.email, 300);
    assert.equal(byKind.phone, phones.length);
    assert.equal(byKind.external ?? 0, contacts.flatMap((c) => c.external_ids).length);
  });

  it('spreads two years of orders ending today, with a Christmas peak and a summer dip', async () => {
    const { ws, now } = await demo();
    const orders = await rows(sql<{ ordered_at: Date }>`select ordered_at from orders where workspace_id = ${ws.workspaceId}`);
    assert.ok(orders.length > 600, `${orders.length} orders`);
    const times = orders.map((o) => new Date(o.ordered_at).getTime());
    const first = Math.min(...times);
    const last = Math.max(...times);
    assert.ok(first >= now - 731 * DAY && last <= Date.now(), 'inside the two years');
    assert.ok(last - first > 600 * DAY && now - last < 14 * DAY, 'covers the two years up to now');
    // Orders per day of each calendar month the window covers.
    const perMonth = new Array<number>(12).fill(0);
    const daysPerMonth = new Array<number>(12).fill(0);
    for (const t of times) perMonth[new Date(t).getUTCMonth()]!++;
    for (let t = now - 730 * DAY; t < now; t += DAY) daysPerMonth[new Date(t).getUTCMonth()]!++;
    const rate = (months: number[]) => months.reduce((s, m) => s + perMonth[m]!, 0) / months.reduce((s, m) => s + daysPerMonth[m]!, 0);
    assert.ok(rate([10, 11]) > 1.4 * rate([5, 6, 7]), `Nov–Dec ${rate([10, 11])} vs Jun–Aug ${rate([5, 6, 7])}`);
  });

  it('shows customers who slow down: growing gaps and smaller orders at the end', async () => {
    const { ws } = await demo();
    const orders = await rows(sql<{ contact_id: string; ordered_at: Date; total_minor: string }>`
      select contact_id, ordered_at, total_minor from orders
      where workspace_id = ${ws.workspaceId} and status in ('ordered', 'delivered', 'paid') order by contact_id, ordered_at`);
    const byContact = new Map<string, Array<{ t: number; v: number }>>();
    for (const o of orders) {
      const list = byContact.get(o.contact_id) ?? [];
      list.push({ t: new Date(o.ordered_at).getTime(), v: Number(o.total_minor) });
      byContact.set(o.contact_id, list);
    }
    let regular = 0;
    let slowing = 0;
    for (const list of byContact.values()) {
      if (list.length < 6) continue;
      regular++;
      const gaps = list.slice(1).map((o, i) => o.t - list[i]!.t);
      const earlier = gaps.slice(0, -2).sort((a, b) => a - b);
      const median = earlier[Math.floor(earlier.length / 2)]!;
      const avg = list.slice(0, -2).reduce((s, o) => s + o.v, 0) / (list.length - 2);
      if (gaps[gaps.length - 1]! > 2 * median && list[list.length - 1]!.v < 0.6 * avg) slowing++;
    }
    assert.ok(slowing >= 5 && slowing / regular > 0.08, `${slowing} of ${regular} regular customers slow down`);
  });

  it('writes a timeline entry for every order, payment and complaint, plus calls, e-mails, notes and meetings', async () => {
    const { ws, summary } = await demo();
    const types = await rows(sql<{ type: string; n: number }>`
      select type, count(*)::int as n from interactions where workspace_id = ${ws.workspaceId} group by type`);
    const n = Object.fromEntries(types.map((r) => [r.type, Number(r.n)]));
    assert.equal((n['order.placed'] ?? 0) + (n['order.inquiry'] ?? 0), summary.orders);
    assert.equal(n['payment.received'], summary.payments);
    assert.equal(n['complaint.opened'] ?? 0, summary.complaints);
    for (const t of ['note', 'call.logged', 'email.sent', 'email.received', 'meeting.held']) assert.ok((n[t] ?? 0) > 0, `some ${t}`);
    const counts = await rows(sql<{ orders: number; lines: number; payments: number; products: number }>`
      select (select count(*) from orders where workspace_id = ${ws.workspaceId})::int as orders,
             (select count(*) from order_lines where workspace_id = ${ws.workspaceId})::int as lines,
             (select count(*) from payments where workspace_id = ${ws.workspaceId})::int as payments,
             (select count(*) from products where workspace_id = ${ws.workspaceId})::int as products`);
    assert.equal(Number(counts[0]!.orders), summary.orders);
    assert.equal(Number(counts[0]!.lines), summary.orderLines);
    assert.equal(Number(counts[0]!.payments), summary.payments);
    assert.equal(Number(counts[0]!.products), 200);
  });

  it('has order figures for every customer who ordered, with favourite products and some receivables', async () => {
    const { ws } = await demo();
    const r = await rows(sql<{ buyers: number; stats: number; favourites: number; due: number; settled: number; late: number }>`
      select (select count(distinct contact_id) from orders
               where workspace_id = ${ws.workspaceId} and status in ('ordered', 'delivered', 'paid'))::int as buyers,
             (select count(*) from contact_order_stats where workspace_id = ${ws.workspaceId} and order_count > 0)::int as stats,
             (select count(*) from contact_order_stats where workspace_id = ${ws.workspaceId} and favourite_product_id is not null)::int as favourites,
             (select count(*) from contact_order_stats where workspace_id = ${ws.workspaceId} and amount_due_minor > 0)::int as due,
             (select sum(settled_orders) from contact_order_stats where workspace_id = ${ws.workspaceId})::int as settled,
             (select sum(late_orders) from contact_order_stats where workspace_id = ${ws.workspaceId})::int as late`);
    const x = r[0]!;
    assert.ok(Number(x.buyers) > 200);
    assert.equal(Number(x.stats), Number(x.buyers));
    assert.equal(Number(x.favourites), Number(x.buyers));
    assert.ok(Number(x.due) > 0, 'some customers owe money');
    assert.ok(Number(x.late) > 0 && Number(x.late) < Number(x.settled), 'some orders were paid late, most on time');
  });

  it('produces the same customers from the same seed and different ones from another seed', async () => {
    const names = async (seed: number) => {
      const ws = await env().workspace();
      await generateDemo(env().engine, { workspaceId: ws.workspaceId, customers: 40, seed });
      const r = await rows(sql<{ name: string; emails: string[] }>`
        select name, emails from contacts where workspace_id = ${ws.workspaceId} order by emails[1]`);
      return r.map((c) => `${c.name} ${c.emails[0]}`);
    };
    const a = await names(5);
    assert.deepEqual(await names(5), a);
    assert.notDeepEqual(await names(6), a);
  });

  it('refuses a workspace that already has customers, and a nonsense customer count', async () => {
    const { ws } = await demo();
    await assert.rejects(generateDemo(env().engine, { workspaceId: ws.workspaceId, customers: 10 }), Conflict);
    const fresh = await env().workspace();
    for (const customers of [0, -5, 1.5, Number.NaN, 10_000_001]) {
      await assert.rejects(generateDemo(env().engine, { workspaceId: fresh.workspaceId, customers }), ValidationError);
    }
    const other = await rows(sql<{ n: number }>`select count(*)::int as n from contacts where workspace_id = ${fresh.workspaceId}`);
    assert.equal(Number(other[0]!.n), 0, 'nothing leaks into another workspace');
  });
});

it('the demo command explains a missing or bad --customers', async () => {
  const run = demoCommands.demo!.run;
  await assert.rejects(run([]), /--customers must be a whole number/);
  await assert.rejects(run(['--customers', 'lots']), /--customers must be a whole number/);
  await assert.rejects(run(['--customers', '10', '--seed', 'x']), /--seed must be a whole number/);
  await assert.rejects(run(['--customers', '10', '--bogus']), /Unknown option/);
});
