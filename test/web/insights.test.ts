import assert from 'node:assert/strict';
import { it } from 'node:test';
import { missingProps, newCondition, reshape, setProp, type CatalogContext } from '../../web/src/segments/catalog.ts';
import { jobRunning, jobStatusKey, overdueState, parseFactor, parseK, parsePercent, receivablesPath, rfmLabelKey, RFM_SEGMENTS, share, slowingPath } from '../../web/src/insights/logic.ts';
import { listReceivablesQuery } from '../../src/orders/schema.ts';
import { RFM_SEGMENTS as SERVER_RFM } from '../../src/insights/rfm.ts';

// Front-end rules of the insights screens (web/src/insights/logic.ts) and the builder entries for
// insight conditions (catalog-insights.ts), run under node.

const ctx: CatalogContext = { attributes: [], segments: [], currency: 'EUR', clusters: [{ id: 'c-1', label: 'Lapsed one-timers' }] };

it('knows every RFM label the server hands out, each with its own text', () => {
  assert.deepEqual(RFM_SEGMENTS.map(([label]) => label), [...SERVER_RFM]);
  assert.equal(rfmLabelKey("Can't lose them"), 'insights.rfm.segment.cantLose');
  assert.equal(rfmLabelKey('Something new'), null, 'an unknown label is shown as it comes');
});

it('reads k as 2–20 or auto, and refuses anything else', () => {
  assert.deepEqual(parseK(' 7 '), { k: 7 });
  assert.deepEqual(parseK('AUTO'), { k: 'auto' });
  assert.deepEqual(parseK(''), { k: 'auto' });
  for (const bad of ['1', '21', '2.5', '-3', 'five', '3; drop']) assert.ok('error' in parseK(bad), bad);
});

it('polls a job only while it is queued or running, and names its phase', () => {
  assert.equal(jobRunning({ state: 'queued' }), true);
  assert.equal(jobRunning({ state: 'running' }), true);
  assert.equal(jobRunning({ state: 'succeeded' }), false);
  assert.equal(jobRunning(null), false);
  assert.equal(jobStatusKey({ state: 'running', progress: { phase: 'clustering' } }), 'insights.job.clustering');
  assert.equal(jobStatusKey({ state: 'running', progress: { phase: '<script>' } }), 'insights.job.running');
  assert.equal(jobStatusKey({ state: 'failed', progress: null }), 'insights.job.failed');
  assert.equal(jobStatusKey({ state: 'succeeded', progress: null }), null);
});

it("asks for the owner's own slowing customers by default, everyone's on request", () => {
  assert.equal(slowingPath('mine'), '/insights/slowing?limit=50&ownerId=me');
  assert.equal(slowingPath('all', 'abc=='), '/insights/slowing?limit=50&cursor=abc%3D%3D');
});

it('computes shares and settings bounds', () => {
  assert.equal(share(1, 3), 33.3);
  assert.equal(share(5, 0), 0);
  assert.equal(parseFactor('1,75'), 1.75);
  assert.equal(parseFactor('0.5'), null);
  assert.equal(parseFactor('abc'), null);
});

it('builds insight conditions in the shapes the server accepts', () => {
  assert.deepEqual(newCondition('slowing', ctx), { type: 'slowing', op: 'flagged' });
  assert.deepEqual(newCondition('valuable', ctx), { type: 'valuable', op: 'top_n', count: 100, withinDays: 365 });
  assert.deepEqual(setProp(newCondition('valuable', ctx), 'op', 'top_percent', ctx), { type: 'valuable', op: 'top_percent', percent: 10, withinDays: 365 });
  const rfm = newCondition('rfm', ctx);
  assert.deepEqual(rfm, { type: 'rfm', field: 'segment', op: 'in', value: [] });
  assert.deepEqual(missingProps(rfm, ctx), ['value']);
  assert.deepEqual(setProp(rfm, 'field', 'r', ctx), { type: 'rfm', field: 'r', op: 'gte', value: 4 });
  assert.deepEqual(newCondition('cluster', ctx), { type: 'cluster', op: 'in', clusterId: 'c-1' });
});

it('keeps a saved rule’s group from an earlier grouping instead of resetting it', () => {
  const saved = { type: 'cluster', op: 'in', clusterId: 'old-run-group' };
  assert.deepEqual(reshape(saved, ctx), saved);
  assert.deepEqual(reshape(saved, { ...ctx, clusters: undefined }), saved);
  assert.deepEqual(missingProps(newCondition('cluster', { ...ctx, clusters: [] }), ctx).length, 1, 'no group to choose yet');
});

it('accepts a falling-value share above 0 and below 100 percent, and nothing else', () => {
  assert.equal(parsePercent('70'), 70);
  assert.equal(parsePercent('62,5'), 62.5);
  for (const bad of ['', '  ', '0', '100', '150', '-5', 'abc']) assert.equal(parsePercent(bad), null, bad);
});

it('asks for receivables by amount or by how long overdue, one page after a cursor, in a query the server takes', () => {
  assert.equal(receivablesPath('amount'), '/receivables?sort=amount&limit=50');
  assert.equal(receivablesPath('overdue', 'abc=='), '/receivables?sort=overdue&limit=50&cursor=abc%3D%3D');
  assert.equal(receivablesPath('overdue', null, 50, 'mine'), '/receivables?sort=overdue&limit=50&ownerId=me');
  for (const path of [receivablesPath('amount'), receivablesPath('overdue', 'abc'), receivablesPath('amount', 'abc', 50, 'mine')]) {
    const query = Object.fromEntries(new URL(path, 'http://x').searchParams);
    assert.ok(listReceivablesQuery.safeParse(query).success, path);
  }
});

it('words the oldest unpaid due date: whole days overdue, just fallen due, ahead, or none', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  assert.equal(overdueState({ oldestUnpaidDueAt: '2026-02-01T00:00:00Z', daysOverdue: 37 }, now), 'overdue');
  assert.equal(overdueState({ oldestUnpaidDueAt: '2026-03-10T08:00:00Z', daysOverdue: 0 }, now), 'dueToday', 'less than a day past due is not yet a day overdue');
  assert.equal(overdueState({ oldestUnpaidDueAt: '2026-03-24T12:00:00Z', daysOverdue: 0 }, now), 'notDue');
  assert.equal(overdueState({ oldestUnpaidDueAt: null, daysOverdue: 0 }, now), 'none');
});
