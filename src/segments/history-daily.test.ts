import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { fillDays } from './history-daily.ts';
import { client, DAY, person } from './test-support.ts';

// Entries and exits per day for the membership chart: counted per calendar day in the
// workspace's time zone, every day of the window present, hostile queries refused.

const dayIn = (tz: string, at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

it('fillDays lists every day of the window oldest first, zeros where nothing changed', () => {
  const out = fillDays('2024-03-02', 4, [{ day: '2024-02-29', entered: 3, exited: 1 }, { day: '2024-01-01', entered: 9, exited: 9 }]);
  assert.deepEqual(out, [
    { day: '2024-02-28', entered: 0, exited: 0 },
    { day: '2024-02-29', entered: 3, exited: 1 },
    { day: '2024-03-01', entered: 0, exited: 0 },
    { day: '2024-03-02', entered: 0, exited: 0 },
  ]);
});

forEachEngine('Segment history per day', (env) => {
  it('counts entries and exits per day in the workspace time zone, with the current size', async () => {
    const c = await client(env());
    const list = (await c.call('POST', '/api/v1/segments', { name: 'Daily', kind: 'static' })).body;
    const [a, b, d] = [await person(c), await person(c), await person(c)];
    assert.equal((await c.call('POST', `/api/v1/segments/${list.id}/members`, { contactIds: [a, b, d] })).status, 200);
    assert.equal((await c.call('DELETE', `/api/v1/segments/${list.id}/members`, { contactIds: [b] })).status, 200);
    // Backdate two rows: 22:30 UTC three days ago is already the next day in Helsinki (UTC+2/+3).
    const late = new Date(Math.floor((Date.now() - 3 * DAY) / DAY) * DAY + 22.5 * 3_600_000);
    const old = new Date(Date.now() - 400 * DAY);
    const db = env().engine.db;
    await db.insertInto('segment_membership_events').values([
      { workspace_id: c.ws.workspaceId, segment_id: list.id, contact_id: a, change: 'exited', cause: 'manual', at: late },
      { workspace_id: c.ws.workspaceId, segment_id: list.id, contact_id: a, change: 'entered', cause: 'manual', at: old },
    ]).execute();
    const tz = (await db.selectFrom('workspaces').select('time_zone').where('id', '=', c.ws.workspaceId).executeTakeFirstOrThrow()).time_zone;

    const r = await c.call('GET', `/api/v1/segments/${list.id}/history/daily?days=7`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.timeZone, tz);
    assert.equal(r.body.size, 2);
    assert.equal(r.body.days.length, 7);
    const byDay = new Map(r.body.days.map((x: any) => [x.day, x]));
    assert.deepEqual(byDay.get(dayIn(tz, new Date())), { day: dayIn(tz, new Date()), entered: 3, exited: 1 }, 'today, in the workspace zone');
    const lateDay = dayIn(tz, late);
    assert.notEqual(lateDay, late.toISOString().slice(0, 10), 'the backdated row falls on a different day than in UTC');
    assert.deepEqual(byDay.get(lateDay), { day: lateDay, entered: 0, exited: 1 });
    const total = r.body.days.reduce((n: number, x: any) => n + x.entered + x.exited, 0);
    assert.equal(total, 5, 'the row from 400 days ago is outside the window');
    assert.equal((await c.call('GET', `/api/v1/segments/${list.id}/history/daily`)).body.days.length, 30, 'a month by default');
  });

  it('refuses hostile queries and keeps other workspaces out', async () => {
    const c = await client(env());
    const other = await client(env());
    const list = (await c.call('POST', '/api/v1/segments', { name: 'Mine', kind: 'static' })).body;
    for (const q of ['days=0', 'days=367', 'days=abc', 'days=1.5', "days=1;drop%20table%20segments", 'days=7&tz=UTC', 'days[]=1']) {
      const r = await c.call('GET', `/api/v1/segments/${list.id}/history/daily?${q}`);
      assert.equal(r.status, 400, `${q}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await c.call('GET', "/api/v1/segments/x'%20or%20'1'='1/history/daily")).status, 400);
    assert.equal((await c.call('GET', '/api/v1/segments/00000000-0000-4000-8000-000000000000/history/daily')).status, 404);
    assert.equal((await other.call('GET', `/api/v1/segments/${list.id}/history/daily`)).status, 404);
    assert.equal((await (await c.as('analyst')).call('GET', `/api/v1/segments/${list.id}/history/daily`)).status, 200);
    const anon = await env().app.inject({ method: 'GET', url: `/api/v1/segments/${list.id}/history/daily` });
    assert.equal(anon.statusCode, 401);
  });
});
