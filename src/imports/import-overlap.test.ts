import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine, type TestEnv, type TestWorkspace } from '../../test/support/harness.ts';
import { runImport, type RunOptions } from './run-import.ts';
import { people, upload } from './test-helpers.ts';

// On PostgreSQL two import batches load at once (run-import.ts). Whatever the interleaving, the
// result must be the one a strictly one-batch-at-a-time import gives: later rows win, lists are
// combined, rows naming two contacts are refused, the counters agree. The file below makes
// neighbouring batches touch the same existing people through different identities (the case
// where the later batch must wait for the earlier one's commit) and repeat each other's new people.

const MAPPING = { 'First name': 'firstName', Email: 'email', Phone: 'phone', Tags: 'tags', Source: 'source' };
const EXISTING = 40;
const phoneOf = (i: number) => `+3584010${String(i).padStart(5, '0')}`;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function existingCsv(): string {
  const rows = Array.from({ length: EXISTING }, (_, i) => `E${i},e${i}@example.com,${phoneOf(i)},old,seed`);
  return ['First name,Email,Phone,Tags,Source', ...rows].join('\n');
}

/**
 * 40 batches: new people; updates of a few existing people, by e-mail in even batches and by
 * phone in odd ones (neighbours then share people but no identity, so they load side by side and
 * the later one must wait); in every fifth batch repeats of the previous batch's new people
 * (a shared identity: that batch waits for the previous one to finish); refused rows.
 */
function updatesCsv(batchSize: number): string {
  const r = rng(7);
  const rows: string[] = [];
  const newInBatch: number[][] = [];
  for (let b = 0; b < 40; b++) {
    newInBatch.push([]);
    for (let j = 0; j < batchSize; j++) {
      const n = b * batchSize + j;
      const x = r();
      if (x < 0.4) {
        newInBatch[b].push(n);
        rows.push(`N${n},n${n}@example.com,,t${n % 3},file`);
      } else if (x < 0.5 && b % 5 === 0 && b > 0) {
        const prev = newInBatch[b - 1];
        rows.push(`Again${n},n${prev[Math.floor(r() * prev.length)]}@example.com,,again,file`);
      } else if (x < 0.95 || b % 2 === 1) {
        const i = Math.floor(r() * 6); // few people, so neighbours name the same ones
        const tags = `u${n % 4}${r() < 0.3 ? ';extra' : ''}`;
        if (b % 2 === 0) rows.push(`U${n},e${i}@example.com,,${tags},file`);
        else rows.push(`U${n},${r() < 0.2 ? `x${n}@example.com` : ''},${phoneOf(i)},${tags},file`);
      } else {
        // An e-mail of one existing person and the phone of another: refused.
        rows.push(`Both${n},e${Math.floor(r() * 6)}@example.com,${phoneOf(20 + (b % 10))},,file`);
      }
    }
  }
  return ['First name,Email,Phone,Tags,Source', ...rows].join('\n');
}

async function importFile(env: TestEnv, ws: TestWorkspace, csv: string, opts: RunOptions) {
  const up = await upload(env, ws, 'people', csv);
  assert.equal(up.statusCode, 201, up.body);
  const { id } = up.json();
  await env.engine.db.updateTable('imports').set({ mapping: JSON.stringify(MAPPING), state: 'queued' }).where('id', '=', id).execute();
  const counts = await runImport(env.engine, id, opts);
  const rejections = await env.engine.db
    .selectFrom('import_rejections')
    .select(['line', 'reason'])
    .where('import_id', '=', id)
    .orderBy('line')
    .execute();
  return { counts, rejections };
}

async function snapshot(env: TestEnv, ws: TestWorkspace) {
  const rows = await people(env, ws.workspaceId);
  return rows
    .map(({ id: _id, company_id: _c, ...rest }) => rest)
    .sort((a, b) => (a.emails[0] ?? a.phones[0]).localeCompare(b.emails[0] ?? b.phones[0]));
}

forEachEngine('CSV import, batches loading side by side', (env) => {
  it('gives exactly what a one-batch-at-a-time import gives, counters and refusals included', async () => {
    const batchSize = 20;
    const side = await env().workspace();
    const serial = await env().workspace();
    for (const ws of [side, serial]) await importFile(env(), ws, existingCsv(), { overlap: false });

    const events = { started: 0, waited: 0 };
    const a = await importFile(env(), side, updatesCsv(batchSize), { batchSize, onOverlap: (e) => events[e]++ });
    const b = await importFile(env(), serial, updatesCsv(batchSize), { batchSize, overlap: false });

    assert.deepEqual(a.counts, b.counts);
    assert.deepEqual(a.rejections, b.rejections);
    assert.ok(a.counts.rejected > 0 && a.counts.updated > 0 && a.counts.duplicates > 0, JSON.stringify(a.counts));
    assert.deepEqual(await snapshot(env(), side), await snapshot(env(), serial));

    if (env().engine.kind === 'postgres') {
      // Otherwise this test would prove nothing about loading side by side.
      assert.ok(events.started > 5, `batches started side by side: ${events.started}`);
      assert.ok(events.waited > 0, 'a batch naming the same person as the one before it waited for its commit');
    } else {
      assert.deepEqual(events, { started: 0, waited: 0 }, 'PGlite has one connection: one batch at a time');
    }
  });
});
