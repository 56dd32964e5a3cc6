import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { auditActions, client, createPerson, defineAttribute } from './testing.ts';

forEachEngine('Custom attribute definitions', (env) => {
  it('defines, lists, relabels and extends attributes', async () => {
    const c = await client(env());
    const def = await defineAttribute(c, { key: 'loyalty_level', label: 'Loyalty level', type: 'choice', choices: ['gold', 'silver'] });
    assert.deepEqual({ ...def, createdAt: undefined }, { key: 'loyalty_level', label: 'Loyalty level', type: 'choice', choices: ['gold', 'silver'], appliesTo: 'person', createdAt: undefined });
    await defineAttribute(c, { key: 'founded', label: 'Founded', type: 'date', appliesTo: 'company' });
    const list = await c.call('GET', '/api/v1/attributes');
    assert.deepEqual(list.body.items.map((a: any) => a.key), ['founded', 'loyalty_level']);
    const patched = await c.call('PATCH', '/api/v1/attributes/loyalty_level', { label: 'Tier', addChoices: ['platinum', 'gold'] });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.label, 'Tier');
    assert.deepEqual(patched.body.choices, ['gold', 'silver', 'platinum']);
    await createPerson(c, { firstName: 'A', attributes: { loyalty_level: 'platinum' } });
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, 'loyalty_level'), ['attribute.create', 'attribute.update']);
  });

  it('refuses bad definitions', async () => {
    const c = await client(env());
    await defineAttribute(c, { key: 'size', label: 'Size', type: 'text' });
    const cases: Array<[unknown, string]> = [
      [{ key: 'tier', label: 'Tier', type: 'choice' }, 'choices'],
      [{ key: 'tier', label: 'Tier', type: 'text', choices: ['a'] }, 'choices'],
      [{ key: 'Bad Key', label: 'x', type: 'text' }, 'key'],
      [{ key: "x'; drop table contacts;--", label: 'x', type: 'text' }, 'key'],
      [{ key: 'x', label: 'x', type: 'json' }, 'type'],
      [{ key: 'x', label: '', type: 'text' }, 'label'],
      [{ key: 'x', label: 'x', type: 'choice', choices: Array.from({ length: 10_000 }, (_, i) => `c${i}`) }, 'choices'],
      [{ key: 'x', label: 'x', type: 'text', appliesTo: 'planet' }, 'appliesTo'],
      [{ key: 'x', label: 'x', type: 'text', extra: 1 }, '_'],
    ];
    for (const [body, field] of cases) {
      const r = await c.call('POST', '/api/v1/attributes', body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 60));
      assert.ok(Object.keys(r.body.error.fields).some((k) => k.startsWith(field)), `${field}: ${JSON.stringify(r.body.error.fields)}`);
    }
    assert.equal((await c.call('POST', '/api/v1/attributes', { key: 'big', label: 'x'.repeat(2_000_000), type: 'text' })).status, 413);
    const dup = await c.call('POST', '/api/v1/attributes', { key: 'size', label: 'Again', type: 'number' });
    assert.equal(dup.status, 409);
    assert.ok(dup.body.error.fields.key);
    assert.equal((await c.call('PATCH', '/api/v1/attributes/size', { addChoices: ['a'] })).status, 400, 'text has no choices');
    assert.equal((await c.call('PATCH', '/api/v1/attributes/size', {})).status, 400);
    assert.equal((await c.call('PATCH', '/api/v1/attributes/nope', { label: 'x' })).status, 404);
    const script = await defineAttribute(c, { key: 'xss', label: '<script>alert(1)</script>', type: 'text' });
    assert.equal(script.label, '<script>alert(1)</script>');
  });

  it('deletes an attribute with its values, for admins only', async () => {
    const c = await client(env());
    await defineAttribute(c, { key: 'shoe', label: 'Shoe size', type: 'number' });
    const p = await createPerson(c, { firstName: 'A', attributes: { shoe: 42 } });
    const marketer = await c.as('marketer');
    assert.equal((await marketer.call('DELETE', '/api/v1/attributes/shoe')).status, 403);
    assert.equal((await c.call('DELETE', '/api/v1/attributes/shoe')).status, 204);
    assert.deepEqual((await c.call('GET', `/api/v1/people/${p.id}`)).body.attributes, {});
    assert.equal((await c.call('DELETE', '/api/v1/attributes/shoe')).status, 404);
    const again = await defineAttribute(c, { key: 'shoe', label: 'Shoe', type: 'text' });
    assert.equal(again.type, 'text');
  });

  it('keeps definitions to their workspace and refuses analysts', async () => {
    const a = await client(env());
    const b = await client(env());
    await defineAttribute(a, { key: 'secret_score', label: 'Score', type: 'number' });
    assert.deepEqual((await b.call('GET', '/api/v1/attributes')).body.items, []);
    assert.equal((await b.call('PATCH', '/api/v1/attributes/secret_score', { label: 'x' })).status, 404);
    assert.equal((await b.call('DELETE', '/api/v1/attributes/secret_score')).status, 404);
    const inB = await b.call('POST', '/api/v1/people', { firstName: 'X', attributes: { secret_score: 1 } });
    assert.equal(inB.status, 400, 'a definition of another workspace does not apply');
    const analyst = await a.as('analyst');
    assert.equal((await analyst.call('GET', '/api/v1/attributes')).status, 200);
    assert.equal((await analyst.call('POST', '/api/v1/attributes', { key: 'x', label: 'x', type: 'text' })).status, 403);
    assert.equal((await analyst.call('PATCH', '/api/v1/attributes/secret_score', { label: 'x' })).status, 403);
  });
});
