import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { keyFor } from './test-support.ts';

forEachEngine('Workspace settings', (env) => {
  it('shows the settings to every role', async () => {
    const ws = await env().workspace();
    for (const role of ['admin', 'marketer', 'agent', 'analyst'] as const) {
      const res = await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: await keyFor(env().engine, ws.workspaceId, role) });
      assert.equal(res.statusCode, 200, role);
      const body = res.json();
      assert.equal(body.id, ws.workspaceId);
      assert.equal(body.defaultCountry, 'FI');
      assert.equal(body.timeZone, 'Europe/Helsinki');
      assert.equal(body.currency, 'EUR');
      assert.equal(body.locale, 'en');
    }
  });

  it('changes name, country, time zone, currency and locale, normalising case, and audits it', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({
      method: 'PATCH',
      url: '/api/v1/workspace',
      headers: ws.headers,
      payload: { name: 'Kauppa Oy', defaultCountry: 'se', timeZone: 'America/Sao_Paulo', currency: 'sek', locale: 'sv-se' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      (({ name, defaultCountry, timeZone, currency, locale }) => ({ name, defaultCountry, timeZone, currency, locale }))(res.json()),
      { name: 'Kauppa Oy', defaultCountry: 'SE', timeZone: 'America/Sao_Paulo', currency: 'SEK', locale: 'sv-SE' },
    );
    const utc = await env().app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: ws.headers, payload: { timeZone: 'UTC' } });
    assert.equal(utc.statusCode, 200);
    assert.equal(utc.json().name, 'Kauppa Oy', 'a partial change keeps the rest');
    const audit = await env().engine.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('workspace_id', '=', ws.workspaceId)
      .where('action', '=', 'workspace.update')
      .orderBy('id')
      .execute();
    assert.equal(audit.length, 2);
    assert.equal((audit[0]!.before as any).currency, 'EUR');
    assert.equal((audit[0]!.after as any).currency, 'SEK');
  });

  it('refuses unknown countries, zones, currencies and locales with one field error each', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({
      method: 'PATCH',
      url: '/api/v1/workspace',
      headers: ws.headers,
      payload: { defaultCountry: 'XX', timeZone: 'Mars/Olympus', currency: 'ZZZ', locale: "'; drop table workspaces; --" },
    });
    assert.equal(res.statusCode, 400);
    const fields = res.json().error.fields;
    for (const f of ['defaultCountry', 'timeZone', 'currency', 'locale']) assert.ok(fields[f], `${f} flagged: ${res.body}`);
    const more: object[] = [
      { currency: 'EURO' },
      { defaultCountry: 'FIN' },
      { name: '' },
      { name: 'n'.repeat(201) },
      { timeZone: 'x'.repeat(100) },
      { currency: 12 },
      { id: ws.workspaceId },
      {},
    ];
    for (const payload of more) {
      const r = await env().app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: ws.headers, payload });
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
    }
    const after = (await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: ws.headers })).json();
    assert.equal(after.currency, 'EUR', 'nothing changed');
  });

  it('lets only admins change settings, and only their own workspace', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    for (const role of ['marketer', 'agent', 'analyst'] as const) {
      const r = await env().app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: await keyFor(env().engine, ws.workspaceId, role), payload: { name: 'Mine now' } });
      assert.equal(r.statusCode, 403, role);
    }
    await env().app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: ws.headers, payload: { name: 'Renamed A' } });
    const b = (await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: other.headers })).json();
    assert.notEqual(b.name, 'Renamed A');
    assert.equal((await env().app.inject({ method: 'PATCH', url: '/api/v1/workspace', payload: { name: 'x' } })).statusCode, 401);
  });
});
