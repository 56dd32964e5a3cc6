import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { auditActions, client, createCompany, createPerson, defineAttribute } from './testing.ts';

forEachEngine('People and companies', (env) => {
  it('creates a person with normalised e-mails and phones and returns it', async () => {
    const c = await client(env());
    const p = await createPerson(c, {
      firstName: ' Anna ',
      lastName: 'Virtanen',
      emails: ['Anna.Virtanen@Example.COM', 'anna.virtanen@example.com'],
      phones: ['040 123 4567', '+46 70 123 45 67'],
      locale: 'fi-FI',
      timeZone: 'Europe/Helsinki',
      birthday: '1985-03-14',
      source: 'shop',
      tags: ['vip', 'vip', 'newsletter'],
      externalIds: ['shopify:123'],
    });
    assert.equal(p.name, 'Anna Virtanen');
    assert.equal(p.kind, 'person');
    assert.deepEqual(p.emails, ['anna.virtanen@example.com']);
    assert.deepEqual(p.phones, ['+358401234567', '+46701234567']);
    assert.deepEqual(p.tags, ['vip', 'newsletter']);
    assert.equal(p.birthday, '1985-03-14');
    const got = await c.call('GET', `/api/v1/people/${p.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, p);
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, p.id), ['person.create']);
  });

  it('reads phones without a country prefix with the workspace default country', async () => {
    const c = await client(env());
    await env().engine.db.updateTable('workspaces').set({ default_country: 'SE' }).where('id', '=', c.ws.workspaceId).execute();
    const p = await createPerson(c, { firstName: 'Sven', phones: ['070-123 45 67'] });
    assert.deepEqual(p.phones, ['+46701234567']);
  });

  it('refuses a bad phone or e-mail naming its position and the reason', async () => {
    const c = await client(env());
    const r = await c.call('POST', '/api/v1/people', { firstName: 'X', emails: ['ok@example.com', 'not-an-email'], phones: ['+358401234567', '123'] });
    assert.equal(r.status, 400);
    assert.match(r.body.error.fields['emails.1'][0], /Not a valid e-mail/);
    assert.match(r.body.error.fields['phones.1'][0], /phone/i);
    assert.equal(r.body.error.fields['emails.0'], undefined);
  });

  it('refuses an identity that another contact already owns, naming that contact', async () => {
    const c = await client(env());
    const a = await createPerson(c, { firstName: 'A', emails: ['same@example.com'], phones: ['+358401111111'] });
    const r = await c.call('POST', '/api/v1/people', { firstName: 'B', emails: ['x@example.com', 'SAME@example.com'] });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.error.fields['emails.1'], [`Already used by contact ${a.id}`]);
    assert.match(r.body.error.message, new RegExp(a.id));
    const b = await createPerson(c, { firstName: 'B' });
    const p = await c.call('PATCH', `/api/v1/people/${b.id}`, { phones: ['040 111 1111'] });
    assert.equal(p.status, 409);
    assert.ok(p.body.error.fields['phones.0'][0].includes(a.id));
    const ext = await c.call('POST', '/api/v1/companies', { name: 'Dup', externalIds: ['erp:1'] });
    assert.equal(ext.status, 201);
    const ext2 = await c.call('POST', '/api/v1/people', { firstName: 'C', externalIds: ['erp:1'] });
    assert.equal(ext2.status, 409);
    assert.ok(ext2.body.error.fields['externalIds.0'][0].includes(ext.body.id));
  });

  it('lets the same e-mail exist in two workspaces', async () => {
    const a = await client(env());
    const b = await client(env());
    await createPerson(a, { firstName: 'A', emails: ['shared@example.com'] });
    await createPerson(b, { firstName: 'B', emails: ['shared@example.com'] });
  });

  it('patches only the given fields and re-syncs identities', async () => {
    const c = await client(env());
    const p = await createPerson(c, { firstName: 'Anna', lastName: 'Virtanen', emails: ['old@example.com'], tags: ['a', 'b'] });
    const r = await c.call('PATCH', `/api/v1/people/${p.id}`, { lastName: 'Korhonen', emails: ['new@example.com'], addTags: ['c'], removeTags: ['a'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.name, 'Anna Korhonen');
    assert.equal(r.body.firstName, 'Anna');
    assert.deepEqual(r.body.emails, ['new@example.com']);
    assert.deepEqual(r.body.tags, ['b', 'c']);
    const old = await c.call('GET', '/api/v1/contacts/lookup?email=old@example.com');
    assert.equal(old.status, 404, 'the old address is released');
    const other = await createPerson(c, { firstName: 'Other', emails: ['old@example.com'] });
    assert.ok(other.id);
    const found = await c.call('GET', '/api/v1/contacts/lookup?email=NEW@example.com');
    assert.equal(found.body.id, p.id);
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, p.id), ['person.create', 'person.update']);
  });

  it('soft-deletes a person, frees its identities and hides it', async () => {
    const c = await client(env());
    const p = await createPerson(c, { firstName: 'Gone', emails: ['gone@example.com'] });
    const d = await c.call('DELETE', `/api/v1/people/${p.id}`);
    assert.equal(d.status, 204);
    assert.equal((await c.call('GET', `/api/v1/people/${p.id}`)).status, 404);
    assert.equal((await c.call('PATCH', `/api/v1/people/${p.id}`, { firstName: 'Back' })).status, 404);
    assert.equal((await c.call('DELETE', `/api/v1/people/${p.id}`)).status, 404);
    await createPerson(c, { firstName: 'New owner', emails: ['gone@example.com'] });
    const row = await env().engine.db.selectFrom('contacts').select('deleted_at').where('id', '=', p.id).executeTakeFirstOrThrow();
    assert.ok(row.deleted_at, 'the row is kept for history');
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, p.id), ['person.create', 'person.delete']);
  });

  it('links a person to a company of the same workspace only', async () => {
    const c = await client(env());
    const other = await client(env());
    const acme = await createCompany(c, { name: 'Acme Oy', emails: ['info@acme.example'] });
    const foreign = await createCompany(other, { name: 'Foreign Oy' });
    const person = await createPerson(c, { firstName: 'Matti', companyId: acme.id });
    assert.equal(person.companyId, acme.id);
    const bad = await c.call('POST', '/api/v1/people', { firstName: 'X', companyId: foreign.id });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.fields.companyId);
    const notCompany = await c.call('POST', '/api/v1/people', { firstName: 'X', companyId: person.id });
    assert.equal(notCompany.status, 400);
    assert.equal((await c.call('GET', `/api/v1/people/${acme.id}`)).status, 404, 'a company is not a person');
    assert.equal((await c.call('GET', `/api/v1/companies/${acme.id}`)).body.name, 'Acme Oy');
    const renamed = await c.call('PATCH', `/api/v1/companies/${acme.id}`, { name: 'Acme Group Oy' });
    assert.equal(renamed.body.name, 'Acme Group Oy');
    assert.equal((await c.call('DELETE', `/api/v1/companies/${acme.id}`)).status, 204);
    assert.equal((await c.call('GET', `/api/v1/people/${person.id}`)).body.companyId, null, 'people lose a deleted company');
  });

  it('checks owner, birthday, locale and time zone', async () => {
    const c = await client(env());
    const other = await client(env());
    const ok = await createPerson(c, { firstName: 'O', ownerId: c.ws.userId });
    assert.equal(ok.ownerId, c.ws.userId);
    const r = await c.call('POST', '/api/v1/people', {
      firstName: 'O',
      ownerId: other.ws.userId,
      birthday: '1990-02-30',
      locale: 'not a locale',
      timeZone: 'Mars/Olympus',
    });
    assert.equal(r.status, 400);
    const f = r.body.error.fields;
    assert.ok(f.locale && f.timeZone, JSON.stringify(f));
    const r2 = await c.call('POST', '/api/v1/people', { firstName: 'O', ownerId: other.ws.userId, birthday: '2999-01-01' });
    assert.equal(r2.status, 400);
    assert.ok(r2.body.error.fields.ownerId && r2.body.error.fields.birthday);
  });

  it('checks custom attributes against their definitions', async () => {
    const c = await client(env());
    await defineAttribute(c, { key: 'loyalty_level', label: 'Loyalty', type: 'choice', choices: ['gold', 'silver'] });
    await defineAttribute(c, { key: 'visits', label: 'Visits', type: 'number' });
    await defineAttribute(c, { key: 'industry', label: 'Industry', type: 'text', appliesTo: 'company' });
    const p = await createPerson(c, { firstName: 'A', attributes: { loyalty_level: 'gold', visits: '12' } });
    assert.deepEqual(p.attributes, { loyalty_level: 'gold', visits: 12 });
    const unknown = await c.call('POST', '/api/v1/people', { firstName: 'A', attributes: { shoe_size: 42 } });
    assert.equal(unknown.status, 400);
    assert.ok(unknown.body.error.fields['attributes.shoe_size']);
    const wrong = await c.call('POST', '/api/v1/people', { firstName: 'A', attributes: { loyalty_level: 'platinum', visits: 'many' } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.fields['attributes.loyalty_level'][0], /unknown choice/);
    assert.match(wrong.body.error.fields['attributes.visits'][0], /expected a number/);
    const forCompanies = await c.call('POST', '/api/v1/people', { firstName: 'A', attributes: { industry: 'retail' } });
    assert.equal(forCompanies.status, 400);
    const patched = await c.call('PATCH', `/api/v1/people/${p.id}`, { attributes: { visits: 13, loyalty_level: null } });
    assert.deepEqual(patched.body.attributes, { visits: 13 }, 'null removes; other keys stay');
  });

  it('stores hostile strings verbatim and returns them as data', async () => {
    const c = await client(env());
    const script = '<script>alert(1)</script>';
    const sqlish = "Robert'); DROP TABLE contacts;--";
    await defineAttribute(c, { key: 'note', label: 'Note', type: 'text' });
    const p = await createPerson(c, { firstName: script, lastName: sqlish, source: '{{ env.SECRET }}', tags: ["' OR 1=1 --"], attributes: { note: script } });
    const got = await c.call('GET', `/api/v1/people/${p.id}`);
    assert.equal(got.body.firstName, script);
    assert.equal(got.body.lastName, sqlish);
    assert.equal(got.body.name, `${script} ${sqlish}`);
    assert.equal(got.body.source, '{{ env.SECRET }}');
    assert.deepEqual(got.body.tags, ["' OR 1=1 --"]);
    assert.equal(got.body.attributes.note, script);
    const count = await env().engine.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.ok(Number(count.n) > 0, 'the table is still there');
  });

  it('refuses unknown fields, wrong types, oversized strings and huge arrays', async () => {
    const c = await client(env());
    const cases: Array<[unknown, string]> = [
      [{ firstName: 'A', isAdmin: true }, '_'],
      [{ firstName: 42 }, 'firstName'],
      [{ firstName: 'A'.repeat(201) }, 'firstName'],
      [{ firstName: 'A', emails: Array.from({ length: 10_000 }, (_, i) => `a${i}@example.com`) }, 'emails'],
      [{ firstName: 'A', tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`) }, 'tags'],
      [{ firstName: 'A', phones: 'not-an-array' }, 'phones'],
      [{ firstName: 'A', externalIds: ['no-colon'] }, 'externalIds.0'],
      [{}, 'firstName'],
    ];
    for (const [body, field] of cases) {
      const r = await c.call('POST', '/api/v1/people', body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      const keys = Object.keys(r.body.error.fields ?? {});
      assert.ok(keys.some((k) => k === field || k.startsWith(field)), `${field} in ${keys.join(',')}`);
    }
    const big = await c.call('POST', '/api/v1/people', { firstName: 'A', source: 'x'.repeat(2_000_000) });
    assert.equal(big.status, 413);
    const badId = await c.call('GET', "/api/v1/people/1' or '1'='1");
    assert.equal(badId.status, 400);
  });

  it('hides other workspaces and enforces roles', async () => {
    const a = await client(env());
    const b = await client(env());
    const p = await createPerson(a, { firstName: 'Private' });
    const comp = await createCompany(a, { name: 'Private Oy' });
    assert.equal((await b.call('GET', `/api/v1/people/${p.id}`)).status, 404);
    assert.equal((await b.call('PATCH', `/api/v1/people/${p.id}`, { firstName: 'Hacked' })).status, 404);
    assert.equal((await b.call('DELETE', `/api/v1/people/${p.id}`)).status, 404);
    assert.equal((await b.call('GET', `/api/v1/companies/${comp.id}`)).status, 404);
    assert.equal((await b.call('GET', `/api/v1/contacts/${p.id}`)).status, 404);
    assert.equal((await a.call('GET', `/api/v1/people/${p.id}`)).body.firstName, 'Private');

    const analyst = await a.as('analyst');
    assert.equal((await analyst.call('GET', `/api/v1/people/${p.id}`)).status, 200, 'analysts read');
    assert.equal((await analyst.call('POST', '/api/v1/people', { firstName: 'No' })).status, 403);
    assert.equal((await analyst.call('PATCH', `/api/v1/people/${p.id}`, { firstName: 'No' })).status, 403);
    assert.equal((await analyst.call('DELETE', `/api/v1/people/${p.id}`)).status, 403);
    assert.equal((await analyst.call('POST', '/api/v1/companies', { name: 'No' })).status, 403);
    const agent = await a.as('agent');
    assert.equal((await agent.call('POST', '/api/v1/people', { firstName: 'Yes' })).status, 201);
    const anon = await env().app.inject({ method: 'GET', url: `/api/v1/people/${p.id}` });
    assert.equal(anon.statusCode, 401);
  });
});
