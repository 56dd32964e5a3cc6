import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client, headersFor } from './test-fixtures.ts';

forEachEngine('Products', (env) => {
  it('creates, reads, lists and changes a product', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const created = await api.post('/api/v1/products', { sku: 'TEA-1', name: 'Green tea', category: 'tea', priceMinor: 450, currency: 'EUR', stock: 12 });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { sku: created.body.sku, name: created.body.name, priceMinor: created.body.priceMinor, stock: created.body.stock },
      { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, stock: 12 },
    );
    const got = await api.get(`/api/v1/products/${created.body.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.category, 'tea');

    const patched = await api.patch(`/api/v1/products/${created.body.id}`, { priceMinor: 500, name: 'Sencha' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.priceMinor, 500);
    assert.equal(patched.body.sku, 'TEA-1');

    const audit = await env().engine.db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).where('entity', '=', 'product').execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['product.create', 'product.update']);
  });

  it('refuses a second product with the same SKU in a workspace, but not in another workspace', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    assert.equal((await api.post('/api/v1/products', { sku: 'A', name: 'A', priceMinor: 1, currency: 'EUR' })).status, 201);
    const dup = await api.post('/api/v1/products', { sku: 'A', name: 'again', priceMinor: 2, currency: 'EUR' });
    assert.equal(dup.status, 409);
    assert.ok(dup.body.error.fields.sku);

    const b = await api.post('/api/v1/products', { sku: 'B', name: 'B', priceMinor: 1, currency: 'EUR' });
    const rename = await api.patch(`/api/v1/products/${b.body.id}`, { sku: 'A' });
    assert.equal(rename.status, 409);

    const other = await env().workspace();
    const res = await client(env().app, other.headers).post('/api/v1/products', { sku: 'A', name: 'A', priceMinor: 1, currency: 'EUR' });
    assert.equal(res.status, 201);
  });

  it('pages through the catalogue in SKU order', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    for (const sku of ['C', 'A', 'E', 'B', 'D']) await api.post('/api/v1/products', { sku, name: sku, priceMinor: 1, currency: 'EUR' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`/api/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((p: any) => p.sku));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['A', 'B', 'C', 'D', 'E']);
    const bad = await api.get('/api/v1/products?cursor=not-a-cursor');
    assert.equal(bad.status, 400);
  });

  it('refuses float, negative, huge and string prices, bad currencies and unknown fields', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const base = { sku: 'X', name: 'X', priceMinor: 100, currency: 'EUR' };
    for (const bad of [
      { priceMinor: 12.5 },
      { priceMinor: -1 },
      { priceMinor: 1e20 },
      { priceMinor: '100' },
      { currency: 'euro' },
      { sku: '' },
      { sku: 'x'.repeat(101) },
      { stock: -3 },
      { discount: 5 },
    ]) {
      const res = await api.post('/api/v1/products', { ...base, ...bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const empty = await api.post('/api/v1/products', { sku: 'Y', name: 'Y', priceMinor: 1, currency: 'EUR' });
    assert.equal((await api.patch(`/api/v1/products/${empty.body.id}`, {})).status, 400);
  });

  it('keeps SQL-looking and script strings as plain data', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const sku = "X'; drop table products; --";
    const name = '<script>alert(1)</script>';
    const res = await api.post('/api/v1/products', { sku, name, priceMinor: 1, currency: 'EUR' });
    assert.equal(res.status, 201);
    const got = await api.get(`/api/v1/products/${res.body.id}`);
    assert.equal(got.body.sku, sku);
    assert.equal(got.body.name, name);
  });

  it('lets analysts read but not write, and hides other workspaces', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const p = await api.post('/api/v1/products', { sku: 'R', name: 'R', priceMinor: 1, currency: 'EUR' });
    const analyst = client(env().app, await headersFor(env().engine.db, ws.workspaceId, 'analyst'));
    assert.equal((await analyst.get('/api/v1/products')).status, 200);
    assert.equal((await analyst.post('/api/v1/products', { sku: 'S', name: 'S', priceMinor: 1, currency: 'EUR' })).status, 403);
    assert.equal((await analyst.patch(`/api/v1/products/${p.body.id}`, { name: 'no' })).status, 403);

    const agent = client(env().app, await headersFor(env().engine.db, ws.workspaceId, 'agent'));
    assert.equal((await agent.post('/api/v1/products', { sku: 'S', name: 'S', priceMinor: 1, currency: 'EUR' })).status, 201);

    const stranger = client(env().app, (await env().workspace()).headers);
    assert.equal((await stranger.get(`/api/v1/products/${p.body.id}`)).status, 404);
    assert.equal((await stranger.patch(`/api/v1/products/${p.body.id}`, { name: 'stolen' })).status, 404);
    assert.equal((await stranger.get('/api/v1/products')).body.items.length, 0);

    const anonymous = await env().app.inject({ method: 'GET', url: '/api/v1/products' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal((await api.get('/api/v1/products/not-a-uuid')).status, 400);
  });
});
