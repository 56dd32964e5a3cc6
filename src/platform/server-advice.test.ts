import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine } from '../../test/support/harness.ts';
import { readServerSettings, serverAdvice, type ServerSettings } from './server-advice.ts';

const MB = 1024 * 1024;
const tuned: ServerSettings = { autovacuum: true, sharedBuffers: 4096 * MB, maxWalSize: 8192 * MB };

describe('PostgreSQL settings advice at start', () => {
  it('says nothing about a server set up for production', () => {
    assert.deepEqual(serverAdvice(tuned), []);
  });

  it('names each setting left at a default that hurts, with its value', () => {
    const advice = serverAdvice({ autovacuum: false, sharedBuffers: 128 * MB, maxWalSize: 1024 * MB });
    assert.deepEqual(advice.map((a) => a.setting), ['autovacuum', 'shared_buffers', 'max_wal_size']);
    assert.match(advice[1]!.message, /128 MB/);
    assert.match(advice[2]!.message, /1024 MB/);
  });

  it('draws the line just below 256 MB of shared buffers and 2 GB of WAL', () => {
    assert.deepEqual(serverAdvice({ ...tuned, sharedBuffers: 256 * MB, maxWalSize: 2048 * MB }), []);
    assert.deepEqual(serverAdvice({ ...tuned, sharedBuffers: 255 * MB }).map((a) => a.setting), ['shared_buffers']);
    assert.deepEqual(serverAdvice({ ...tuned, maxWalSize: 2047 * MB }).map((a) => a.setting), ['max_wal_size']);
  });
});

forEachEngine('Reading the server settings', (env) => {
  it('converts the units of pg_settings to bytes as PostgreSQL itself does', async () => {
    const got = await readServerSettings(env().engine.db);
    const { rows } = await sql<{ sb: string; wal: string; av: string }>`
      select pg_size_bytes(current_setting('shared_buffers'))::text as sb,
             pg_size_bytes(current_setting('max_wal_size'))::text as wal,
             current_setting('autovacuum') as av`.execute(env().engine.db);
    const r = rows[0]!;
    assert.equal(got.sharedBuffers, Number(r.sb));
    assert.equal(got.maxWalSize, Number(r.wal));
    assert.equal(got.autovacuum, r.av === 'on');
    assert.ok(got.sharedBuffers > 0 && got.maxWalSize > 0);
  });
});
