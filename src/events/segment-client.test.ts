import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { forEachEngine } from '../../test/support/harness.ts';
import { contactByExternal, eventRows, eventSource, timelineOf } from './test-support.ts';

// Compatibility with the real Segment Node library, over a real socket: if this passes, an
// integrator can point their existing Segment code at Rapport by changing `host`.

forEachEngine('Segment analytics-node against Rapport', (env) => {
  it('stores identify and track sent by @segment/analytics-node and builds the customer', async () => {
    const src = await eventSource(env());
    await env().app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = env().app.server.address() as AddressInfo;
    const analytics = new Analytics({ writeKey: src.writeKey, host: `http://127.0.0.1:${port}`, flushAt: 20, flushInterval: 60_000, maxRetries: 1 });
    const failures: unknown[] = [];
    analytics.on('error', (err) => failures.push(err));

    analytics.identify({ userId: 'seg-user-1', anonymousId: 'seg-anon-1', traits: { firstName: 'Eero', lastName: 'Nieminen', email: 'eero@example.com' } });
    analytics.track({ userId: 'seg-user-1', event: 'Order Completed', properties: { revenue: 19.9, currency: 'EUR' } });
    analytics.page({ anonymousId: 'seg-anon-1', name: 'Checkout', properties: { path: '/checkout' } });
    await analytics.closeAndFlush({ timeout: 20_000 });
    assert.deepEqual(failures, []);

    const rows = await eventRows(env(), src.ws.workspaceId);
    assert.deepEqual(rows.map((r) => r.type).sort(), ['identify', 'page', 'track']);
    const contact = await contactByExternal(env(), src.ws, 'segment:seg-user-1');
    assert.equal(contact.name, 'Eero Nieminen');
    assert.deepEqual(contact.emails, ['eero@example.com']);
    assert.ok(rows.every((r) => r.contact_id === contact.id), 'every event belongs to the customer');
    assert.ok(rows.every((r) => r.message_id.length > 0), "the library's messageIds are kept");
    const track = rows.find((r) => r.type === 'track')!;
    assert.equal(track.event, 'Order Completed');
    assert.deepEqual(track.properties, { revenue: 19.9, currency: 'EUR' });
    assert.equal((track.context as any).library.name, '@segment/analytics-node');
    const items = await timelineOf(env(), src.ws, contact.id);
    assert.ok(items.some((i) => i.summary === 'Order Completed'));
  });
});
