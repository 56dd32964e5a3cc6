import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { auditActions } from '../contacts/testing.ts';
import { client, person, sorted, type Client } from './test-support.ts';

// The segments API: CRUD of dynamic segments and static lists, roles, tenancy, cycles, static
// members by id and by CSV of e-mails.

const VIP = { type: 'tag', op: 'has', value: 'vip' };

async function create(c: Client, body: Record<string, unknown>) {
  const r = await c.call('POST', '/api/v1/segments', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

forEachEngine('Segments API', (env) => {
  it('creates, reads, lists, renames, changes the rule of and deletes a dynamic segment, with an audit trail', async () => {
    const c = await client(env());
    const seg = await create(c, { name: 'VIPs', kind: 'dynamic', rule: VIP });
    assert.equal(seg.kind, 'dynamic');
    assert.deepEqual(seg.rule, VIP);
    assert.equal(seg.health.size, 0);
    assert.equal(seg.health.lastBuiltAt, null);
    const job = await env().engine.db.selectFrom('jobs').select(['kind', 'payload']).where('workspace_id', '=', c.ws.workspaceId).executeTakeFirstOrThrow();
    assert.equal(job.kind, 'segments.rebuild', 'saving a rule enqueues a build');
    assert.equal((await c.call('GET', `/api/v1/segments/${seg.id}`)).body.name, 'VIPs');
    await create(c, { name: 'Another list', kind: 'static' });
    const list = await c.call('GET', '/api/v1/segments?limit=1');
    assert.equal(list.body.items.length, 1);
    const page2 = await c.call('GET', `/api/v1/segments?limit=1&cursor=${list.body.nextCursor}`);
    assert.equal(page2.body.items[0].name, 'VIPs');
    const patched = await c.call('PATCH', `/api/v1/segments/${seg.id}`, { name: 'Top customers', rule: { not: VIP } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body.rule, { not: VIP });
    assert.equal((await c.call('DELETE', `/api/v1/segments/${seg.id}`)).status, 200);
    assert.equal((await c.call('GET', `/api/v1/segments/${seg.id}`)).status, 404);
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, seg.id), ['segment.create', 'segment.update', 'segment.delete']);
  });

  it('refuses duplicate names, a static list with a rule and a dynamic segment without one', async () => {
    const c = await client(env());
    await create(c, { name: 'Dup', kind: 'static' });
    assert.equal((await c.call('POST', '/api/v1/segments', { name: 'Dup', kind: 'static' })).status, 409);
    const staticWithRule = await c.call('POST', '/api/v1/segments', { name: 'S', kind: 'static', rule: VIP });
    assert.equal(staticWithRule.status, 400);
    const noRule = await c.call('POST', '/api/v1/segments', { name: 'D', kind: 'dynamic' });
    assert.equal(noRule.status, 400);
    assert.ok('rule' in noRule.body.error.fields);
    const badRule = await c.call('POST', '/api/v1/segments', { name: 'D', kind: 'dynamic', rule: { op: 'and', rules: [VIP, { type: 'tag', op: 'has', value: 'x', where: '1=1' }] } });
    assert.equal(badRule.status, 400);
    assert.ok('rule.rules.1.where' in badRule.body.error.fields);
    const nul = await c.call('POST', '/api/v1/segments', { name: 'bad\u0000name', kind: 'static' });
    assert.equal(nul.status, 400);
  });

  it('lets segments refer to others but refuses a cycle, and refuses deleting a segment in use', async () => {
    const c = await client(env());
    const a = await create(c, { name: 'A', kind: 'dynamic', rule: VIP });
    const b = await create(c, { name: 'B', kind: 'dynamic', rule: { type: 'segment', op: 'in', segmentId: a.id } });
    assert.deepEqual(b.dependsOn, [a.id]);
    const cycle = await c.call('PATCH', `/api/v1/segments/${a.id}`, { rule: { op: 'or', rules: [VIP, { type: 'segment', op: 'not_in', segmentId: b.id }] } });
    assert.equal(cycle.status, 400);
    assert.match(cycle.body.error.fields['rule.rules.1.segmentId'][0], /cycle/);
    const self = await c.call('PATCH', `/api/v1/segments/${a.id}`, { rule: { type: 'segment', op: 'in', segmentId: a.id } });
    assert.equal(self.status, 400);
    assert.equal((await c.call('DELETE', `/api/v1/segments/${a.id}`)).status, 409);
  });

  it('keeps tenants apart: another workspace cannot see, change, refer to or fill a segment', async () => {
    const c = await client(env());
    const other = await client(env());
    const seg = await create(c, { name: 'Mine', kind: 'static' });
    const stranger = await person(other);
    assert.equal((await other.call('GET', `/api/v1/segments/${seg.id}`)).status, 404);
    assert.equal((await other.call('PATCH', `/api/v1/segments/${seg.id}`, { name: 'x' })).status, 404);
    assert.equal((await other.call('DELETE', `/api/v1/segments/${seg.id}`)).status, 404);
    assert.equal((await other.call('GET', `/api/v1/segments/${seg.id}/members`)).status, 404);
    assert.equal((await other.call('POST', `/api/v1/segments/${seg.id}/members`, { contactIds: [stranger] })).status, 404);
    const ref = await other.call('POST', '/api/v1/segments/preview', { rule: { type: 'segment', op: 'in', segmentId: seg.id } });
    assert.equal(ref.status, 400);
    assert.ok('rule.segmentId' in ref.body.error.fields);
    const mine = await c.call('POST', `/api/v1/segments/${seg.id}/members`, { contactIds: [stranger] });
    assert.equal(mine.status, 400, 'a contact of another workspace is no contact here');
    assert.ok('contactIds.0' in mine.body.error.fields);
    assert.equal((await other.call('GET', '/api/v1/segments')).body.items.length, 0);
  });

  it('applies roles: analysts and agents read, only admins and marketers change; no key is 401', async () => {
    const c = await client(env());
    const seg = await create(c, { name: 'Roles', kind: 'static' });
    const analyst = await c.as('analyst');
    const agent = await c.as('agent');
    const marketer = await c.as('marketer');
    assert.equal((await analyst.call('GET', '/api/v1/segments')).status, 200);
    assert.equal((await analyst.call('POST', '/api/v1/segments/preview', { rule: VIP })).status, 200);
    assert.equal((await analyst.call('POST', '/api/v1/segments', { name: 'x', kind: 'static' })).status, 403);
    assert.equal((await agent.call('DELETE', `/api/v1/segments/${seg.id}`)).status, 403);
    assert.equal((await agent.call('POST', `/api/v1/segments/${seg.id}/members`, { contactIds: [seg.id] })).status, 403);
    assert.equal((await marketer.call('POST', '/api/v1/segments', { name: 'by marketer', kind: 'static' })).status, 201);
    const anon = await env().app.inject({ method: 'GET', url: '/api/v1/segments' });
    assert.equal(anon.statusCode, 401);
  });

  it('refuses hostile ids, cursors and bodies', async () => {
    const c = await client(env());
    assert.equal((await c.call('GET', "/api/v1/segments/1'%20or%201=1")).status, 400);
    assert.equal((await c.call('GET', '/api/v1/segments?cursor=not-a-cursor')).status, 400);
    assert.equal((await c.call('GET', '/api/v1/segments?limit=100000')).status, 400);
    assert.equal((await c.call('POST', '/api/v1/segments', { name: 'x'.repeat(300), kind: 'static' })).status, 400);
    assert.equal((await c.call('POST', '/api/v1/segments', { name: 'x', kind: 'smart' })).status, 400);
    assert.equal((await c.call('POST', '/api/v1/segments', { name: 'x', kind: 'static', owner: 'root' })).status, 400);
  });

  it('adds and removes static members by id, recording each entry and exit', async () => {
    const c = await client(env());
    const list = await create(c, { name: 'Fair leads', kind: 'static' });
    const a = await person(c);
    const b = await person(c);
    const add = await c.call('POST', `/api/v1/segments/${list.id}/members`, { contactIds: [a, b, a] });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    assert.deepEqual([add.body.added, add.body.size], [2, 2]);
    const again = await c.call('POST', `/api/v1/segments/${list.id}/members`, { contactIds: [a] });
    assert.deepEqual([again.body.added, again.body.size], [0, 2], 'adding twice changes nothing');
    const members = await c.call('GET', `/api/v1/segments/${list.id}/members`);
    assert.deepEqual(sorted(members.body.items.map((m: any) => m.id)), sorted([a, b]));
    const del = await c.call('DELETE', `/api/v1/segments/${list.id}/members`, { contactIds: [a] });
    assert.deepEqual([del.body.removed, del.body.size], [1, 1]);
    const history = await c.call('GET', `/api/v1/segments/${list.id}/history`);
    const h = history.body.items.map((x: any) => `${x.contactId} ${x.change} ${x.cause}`);
    assert.equal(h[0], `${a} exited manual`, 'newest first');
    assert.deepEqual(sorted(h.slice(1)), sorted([`${a} entered manual`, `${b} entered manual`]));
    assert.equal(history.body.items.length, 3);
    assert.equal((await c.call('GET', `/api/v1/segments/${list.id}`)).body.health.size, 1);
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, list.id), ['segment.create', 'segment.members.add', 'segment.members.add', 'segment.members.remove']);
  });

  it('fills a static list from a CSV of e-mails, reporting unknown and malformed lines', async () => {
    const c = await client(env());
    const list = await create(c, { name: 'From CSV', kind: 'static' });
    const a = await person(c, { emails: ['anna@example.test'] });
    const b = await person(c, { emails: ['bo@example.test'] });
    const csv = '\uFEFFname,E-mail\r\nAnna,ANNA@example.test\r\nBo,bo@example.test\r\nNo one,nobody@example.test\r\nBad,not-an-email\r\n';
    const res = await env().app.inject({ method: 'POST', url: `/api/v1/segments/${list.id}/members`, headers: { ...c.ws.headers, 'content-type': 'text/csv' }, payload: csv });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json();
    assert.equal(out.added, 2);
    assert.deepEqual(out.notFound, [{ line: 4, email: 'nobody@example.test' }]);
    assert.equal(out.invalid[0].line, 5);
    const members = await c.call('GET', `/api/v1/segments/${list.id}/members`);
    assert.deepEqual(sorted(members.body.items.map((m: any) => m.id)), sorted([a, b]));
    const remove = await env().app.inject({ method: 'DELETE', url: `/api/v1/segments/${list.id}/members`, headers: { ...c.ws.headers, 'content-type': 'text/csv' }, payload: 'bo@example.test\n' });
    assert.equal(remove.json().removed, 1);
  });

  it('refuses hand-made members on a dynamic segment and bad member bodies', async () => {
    const c = await client(env());
    const dyn = await create(c, { name: 'Dyn', kind: 'dynamic', rule: VIP });
    const a = await person(c);
    assert.equal((await c.call('POST', `/api/v1/segments/${dyn.id}/members`, { contactIds: [a] })).status, 409);
    const list = await create(c, { name: 'L', kind: 'static' });
    const bad = await c.call('POST', `/api/v1/segments/${list.id}/members`, { contactIds: ["1' or '1'='1"] });
    assert.equal(bad.status, 400);
    assert.ok('contactIds.0' in bad.body.error.fields);
    assert.equal((await c.call('POST', `/api/v1/segments/${list.id}/members`, { contactIds: [] })).status, 400);
    assert.equal((await c.call('POST', `/api/v1/segments/${list.id}/members`, { ids: [a] })).status, 400);
    const broken = await env().app.inject({ method: 'POST', url: `/api/v1/segments/${list.id}/members`, headers: { ...c.ws.headers, 'content-type': 'text/csv' }, payload: 'a,"b\n' });
    assert.equal(broken.statusCode, 400);
  });
});
