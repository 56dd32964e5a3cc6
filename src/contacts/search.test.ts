import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { escapeLike, phonePrefix } from './queries.ts';
import { client, createCompany, createPerson, defineAttribute, type Client } from './testing.ts';

const names = (r: { body: { items: Array<{ name: string }> } }) => r.body.items.map((i) => i.name);

async function seed(c: Client) {
  await defineAttribute(c, { key: 'loyalty_level', label: 'Loyalty', type: 'choice', choices: ['gold', 'silver'] });
  await defineAttribute(c, { key: 'vip', label: 'VIP', type: 'boolean' });
  const people = [
    { firstName: 'Anna', lastName: 'Virtanen', emails: ['anna.v@example.com'], phones: ['+358401000001'], tags: ['vip'], attributes: { loyalty_level: 'gold' } },
    { firstName: 'Annika', lastName: 'Korhonen', emails: ['annika@example.org'], phones: ['+358401000002'], attributes: { loyalty_level: 'silver' } },
    { firstName: 'Matti', lastName: 'Virta', emails: ['matti@example.com'], phones: ['+46701234567'], tags: ['vip', 'b2b'], attributes: { vip: true } },
    { firstName: 'Virpi', lastName: 'Aalto', emails: ['virpi@example.net'] },
    { firstName: '100%', lastName: 'Real_Name', emails: ['odd_one@example.com'] },
    { firstName: 'Юлия', lastName: 'Иванова' },
  ];
  const out = [];
  for (const p of people) out.push(await createPerson(c, { ...p, ownerId: p.firstName === 'Matti' ? c.ws.userId : null }));
  return out;
}

forEachEngine('Contact list and search', (env) => {
  it('lists people by name and pages through them with a cursor', async () => {
    const c = await client(env());
    await seed(c);
    await createCompany(c, { name: 'Acme Oy' });
    const all = await c.call('GET', '/api/v1/people?limit=200');
    assert.equal(all.status, 200);
    assert.equal(all.body.items.length, 6, 'companies are not people');
    assert.equal(all.body.nextCursor, null);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await c.call('GET', `/api/v1/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(r.body.items.length <= 2);
      seen.push(...names(r));
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, names(all), 'pages join up to the full list, no gaps or repeats');
    const sorted = [...seen].sort((a, b) => (Buffer.compare(Buffer.from(a.toLowerCase()), Buffer.from(b.toLowerCase()))));
    assert.deepEqual(seen, sorted);
  });

  it('lists newest first with sort=created across pages', async () => {
    const c = await client(env());
    const made = await seed(c);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await c.call('GET', `/api/v1/people?sort=created&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.items.map((i: any) => i.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, made.map((p) => p.id).reverse());
  });

  it('finds people by the start of their name or of their last name', async () => {
    const c = await client(env());
    await seed(c);
    const r = await c.call('GET', '/api/v1/people?search=vir');
    assert.deepEqual(names(r), ['Virpi Aalto', 'Matti Virta', 'Anna Virtanen'], 'name starts first, then last-name matches');
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=ANN')), ['Anna Virtanen', 'Annika Korhonen']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=anna%20vi')), ['Anna Virtanen']);
    assert.deepEqual(names(await c.call('GET', `/api/v1/people?search=${encodeURIComponent('иван')}`)), ['Юлия Иванова']);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const p: any = await c.call('GET', `/api/v1/people?search=vir&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...names(p));
      cursor = p.body.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, names(r), 'search pages across both phases');
  });

  it('treats LIKE wildcards in a search as plain characters', async () => {
    const c = await client(env());
    await seed(c);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=%25')), [], '% alone matches nothing');
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=_')), []);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=100%25')), ['100% Real_Name']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=real_')), ['100% Real_Name']);
    assert.deepEqual(names(await c.call('GET', `/api/v1/people?search=${encodeURIComponent("' or 1=1 --")}`)), []);
    assert.equal(escapeLike('a%b_c\\'), 'a\\%b\\_c\\\\');
  });

  it('lists each contact exactly as reading it alone does (the list builds its JSON in the database)', async () => {
    const c = await client(env());
    await defineAttribute(c, { key: 'score', label: 'Score', type: 'number' });
    const acme = await createCompany(c, { name: 'Acme Oy', tags: ['b2b'] });
    const full = await createPerson(c, {
      firstName: 'Ääpeli', lastName: 'Öhman', emails: ['aapeli@example.com', 'a2@example.com'], phones: ['+358401234567'], externalIds: ['shop:1'],
      locale: 'fi-FI', timeZone: 'Europe/Helsinki', birthday: '1970-01-31', ownerId: c.ws.userId, source: 'web', tags: ['vip', 'x'],
      attributes: { score: 1.5 }, companyId: acme.id,
    });
    await createPerson(c, { lastName: 'Bare' });
    for (const url of ['/api/v1/people', '/api/v1/people?search=%C3%A4%C3%A4', '/api/v1/people?search=%C3%B6h', '/api/v1/people?search=aapeli%40', '/api/v1/people?tag=vip', '/api/v1/people?sort=created', '/api/v1/people?search=%2B35840123']) {
      const listed = (await c.call('GET', url)).body.items;
      assert.ok(listed.length > 0, url);
      for (const it of listed) assert.deepEqual(it, (await c.call('GET', `/api/v1/people/${it.id}`)).body, url);
    }
    assert.ok((await c.call('GET', '/api/v1/people')).body.items.some((i: any) => i.id === full.id && i.attributes.score === 1.5));
  });

  it('bounds a name prefix exactly at code points whose successor is special', async () => {
    const c = await client(env());
    // U+07FF→U+0800 and U+FFFD→U+FFFE change the UTF-8 length; U+D7FF is followed by U+E000
    // (no surrogates in UTF-8); U+10FFFF has no successor at all.
    for (const firstName of ['Ab\u07FFx', 'Ab\u0800v', 'Ab\uFFFDs', 'Ab\uFFFEt', 'Ab\uD7FFy', 'Ab\uE000w', 'Ab\u{10FFFF}z', 'Ab\u{10FFFF}\u{10FFFF}']) {
      await createPerson(c, { firstName, lastName: 'Edge' });
    }
    const found = async (term: string) => names(await c.call('GET', `/api/v1/people?search=${encodeURIComponent(term)}`));
    assert.deepEqual(await found('ab\u07FF'), ['Ab\u07FFx Edge']);
    assert.deepEqual(await found('ab\uFFFD'), ['Ab\uFFFDs Edge']);
    assert.deepEqual(await found('ab\uD7FF'), ['Ab\uD7FFy Edge']);
    assert.deepEqual(await found('ab\uE000'), ['Ab\uE000w Edge']);
    assert.deepEqual(await found('ab\u{10FFFF}'), ['Ab\u{10FFFF}z Edge', 'Ab\u{10FFFF}\u{10FFFF} Edge'], 'in byte order');
    assert.equal((await found('ab')).length, 8);
    assert.equal((await found('edge')).length, 8, 'by last name');
  });

  it('searches by e-mail prefix and phone prefix', async () => {
    const c = await client(env());
    await seed(c);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=ANNA.V@')), ['Anna Virtanen']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=odd_one@')), ['100% Real_Name']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=odd%25@')), [], 'wildcards are literal in e-mail search');
    assert.deepEqual(names(await c.call('GET', `/api/v1/people?search=${encodeURIComponent('040 100 000')}`)), ['Anna Virtanen', 'Annika Korhonen']);
    assert.deepEqual(names(await c.call('GET', `/api/v1/people?search=${encodeURIComponent('+46 70')}`)), ['Matti Virta']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?search=0401000002')), ['Annika Korhonen']);
    const page1 = await c.call('GET', '/api/v1/people?search=%2B358&limit=1');
    assert.equal(page1.body.items.length, 1);
    const page2 = await c.call('GET', `/api/v1/people?search=%2B358&limit=1&cursor=${page1.body.nextCursor}`);
    assert.notEqual(page2.body.items[0].id, page1.body.items[0].id);
    assert.equal(phonePrefix('040 12', 'FI'), '+3584012');
    assert.equal(phonePrefix('0046 70', 'FI'), '+4670');
  });

  it('filters by tag, owner and custom attribute', async () => {
    const c = await client(env());
    await seed(c);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?tag=vip')), ['Anna Virtanen', 'Matti Virta']);
    assert.deepEqual(names(await c.call('GET', `/api/v1/people?ownerId=${c.ws.userId}`)), ['Matti Virta']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?attr.loyalty_level=gold')), ['Anna Virtanen']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?attr.vip=yes')), ['Matti Virta'], 'values are read with the type');
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?tag=vip&search=vir')), ['Matti Virta', 'Anna Virtanen']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?tag=vip&sort=created')), ['Matti Virta', 'Anna Virtanen']);
    const page = await c.call('GET', '/api/v1/people?tag=vip&limit=1');
    assert.deepEqual(names(page), ['Anna Virtanen']);
    assert.deepEqual(names(await c.call('GET', `/api/v1/people?tag=vip&limit=1&cursor=${page.body.nextCursor}`)), ['Matti Virta']);
    // The tag index follows renames, tag changes and deletes.
    const matti = (await c.call('GET', '/api/v1/people?search=matti')).body.items[0];
    await c.call('PATCH', `/api/v1/people/${matti.id}`, { firstName: 'Aaron' });
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?tag=vip')), ['Aaron Virta', 'Anna Virtanen']);
    await c.call('PATCH', `/api/v1/people/${matti.id}`, { removeTags: ['vip'] });
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?tag=vip')), ['Anna Virtanen']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/people?tag=b2b')), ['Aaron Virta']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/companies?tag=b2b')), [], 'people tags are not company tags');
    const unknown = await c.call('GET', '/api/v1/people?attr.shoe_size=42');
    assert.equal(unknown.status, 400);
    assert.ok(unknown.body.error.fields['query.attr.shoe_size']);
    const wrong = await c.call('GET', '/api/v1/people?attr.loyalty_level=platinum');
    assert.equal(wrong.status, 400);
    const notAttr = await c.call('GET', '/api/v1/people?drop=table');
    assert.equal(notAttr.status, 400);
  });

  it('refuses bad limits and forged cursors', async () => {
    const c = await client(env());
    assert.equal((await c.call('GET', '/api/v1/people?limit=201')).status, 400);
    assert.equal((await c.call('GET', '/api/v1/people?limit=0')).status, 400);
    assert.equal((await c.call('GET', '/api/v1/people?sort=evil')).status, 400);
    for (const cursor of ['garbage', Buffer.from('["n","x","not-a-uuid"]').toString('base64url'), Buffer.from('["c","x","00000000-0000-0000-0000-000000000000"]').toString('base64url'), Buffer.from('["e","x","y"]').toString('base64url')]) {
      const r = await c.call('GET', `/api/v1/people?cursor=${cursor}`);
      assert.equal(r.status, 400, cursor);
    }
    assert.equal((await c.call('GET', `/api/v1/people?search=${'a'.repeat(201)}`)).status, 400);
  });

  it('resolves an e-mail, phone or external id to its contact, in its workspace only', async () => {
    const c = await client(env());
    const other = await client(env());
    const [anna] = await seed(c);
    const company = await createCompany(c, { name: 'Acme', externalIds: ['erp:42'] });
    assert.equal((await c.call('GET', '/api/v1/contacts/lookup?email=Anna.V@Example.com')).body.id, anna.id);
    assert.equal((await c.call('GET', `/api/v1/contacts/lookup?phone=${encodeURIComponent('040 100 0001')}`)).body.id, anna.id);
    assert.equal((await c.call('GET', '/api/v1/contacts/lookup?externalId=erp:42')).body.id, company.id);
    assert.equal((await c.call('GET', '/api/v1/contacts/lookup?email=nobody@example.com')).status, 404);
    assert.equal((await c.call('GET', '/api/v1/contacts/lookup?phone=garbage')).status, 404);
    assert.equal((await other.call('GET', '/api/v1/contacts/lookup?email=anna.v@example.com')).status, 404);
    assert.equal((await c.call('GET', '/api/v1/contacts/lookup')).status, 400);
    assert.equal((await c.call('GET', '/api/v1/contacts/lookup?email=a@b.c&phone=1')).status, 400);
  });

  it('lists companies separately and counts tags of live contacts', async () => {
    const c = await client(env());
    const people = await seed(c);
    await createCompany(c, { name: 'Acme Trading Oy', tags: ['b2b'] });
    await createCompany(c, { name: 'Beta Oy' });
    assert.deepEqual(names(await c.call('GET', '/api/v1/companies')), ['Acme Trading Oy', 'Beta Oy']);
    assert.deepEqual(names(await c.call('GET', '/api/v1/companies?search=trad')), ['Acme Trading Oy']);
    await c.call('DELETE', `/api/v1/people/${people[0].id}`);
    const tags = await c.call('GET', '/api/v1/tags');
    assert.deepEqual(tags.body.items, [
      { tag: 'b2b', count: 2 },
      { tag: 'vip', count: 1 },
    ]);
    const other = await client(env());
    assert.deepEqual((await other.call('GET', '/api/v1/tags')).body.items, []);
    assert.deepEqual((await other.call('GET', '/api/v1/people')).body.items, [], 'no contacts of another workspace');
  });
});
