import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachEngine, openTestEngine } from '../../test/support/harness.ts';
import type { Engine } from '../platform/db.ts';
import { createWorkspace } from './bootstrap.ts';
import { resolveWorkspace, runApiKey, runUser } from './cli.ts';
import { signIn, uniqueEmail } from './test-support.ts';

function valueAfter(lines: string[], label: string): string {
  const line = lines.find((l) => l.startsWith(label));
  assert.ok(line, `printed ${label}`);
  return line.slice(label.length).trim();
}

forEachEngine('CLI: users and API keys', (env) => {
  it('creates a user with a generated one-time password, printed once', async () => {
    const ws = await env().workspace();
    const email = uniqueEmail('cli');
    const lines = await runUser(env().engine, ['create', '--email', email, '--role', 'agent', '--name', 'Cli Agent', '--workspace', ws.workspaceId]);
    const password = valueAfter(lines, 'Password:');
    const b = await signIn(env().app, email, password);
    assert.equal(b.body.user.role, 'agent');
    assert.equal(b.body.user.name, 'Cli Agent');
    assert.equal(b.body.mustChangePassword, true);
    const audit = await env().engine.db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).where('action', '=', 'user.create').execute();
    assert.equal(audit.length, 1);
  });

  it('creates a user with a chosen password that need not be changed', async () => {
    const ws = await env().workspace();
    const email = uniqueEmail('chosen');
    const lines = await runUser(env().engine, ['create', '--email', email, '--role', 'analyst', '--password', 'operator chose this', '--workspace', ws.workspaceId]);
    assert.ok(!lines.some((l) => l.includes('operator chose this')), 'a chosen password is not echoed');
    const b = await signIn(env().app, email, 'operator chose this');
    assert.equal(b.body.mustChangePassword, false);
  });

  it('creates an API key, printed once, that works with its role', async () => {
    const ws = await env().workspace();
    const lines = await runApiKey(env().engine, ['create', '--name', 'etl', '--role', 'analyst', '--workspace', ws.workspaceId]);
    const key = valueAfter(lines, 'Key:');
    const headers = { authorization: `Bearer ${key}` };
    const res = await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers });
    assert.equal(res.json().id, ws.workspaceId);
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/users', headers })).statusCode, 403);
  });

  it('refuses bad arguments with a readable message', async () => {
    const ws = await env().workspace();
    const w = ['--workspace', ws.workspaceId];
    await assert.rejects(runUser(env().engine, ['create', '--role', 'agent', ...w]), /--email is required/);
    await assert.rejects(runUser(env().engine, ['create', '--email', uniqueEmail('x'), '--role', 'root', ...w]), /--role must be one of/);
    await assert.rejects(runUser(env().engine, ['create', '--email', 'not-an-email', '--role', 'agent', ...w]), /email/i);
    await assert.rejects(runUser(env().engine, ['create', '--email', uniqueEmail('x'), '--role', 'agent', '--password', 'short', ...w]), /password: At least 10/);
    await assert.rejects(runUser(env().engine, ['create', '--email', ws.adminEmail, '--role', 'agent', ...w]), /already exists/);
    await assert.rejects(runUser(env().engine, ['create', '--email', uniqueEmail('x'), '--role', 'agent', '--bogus', '1', ...w]), /bogus/);
    await assert.rejects(runUser(env().engine, ['delete']), /Usage/);
    await assert.rejects(runApiKey(env().engine, ['create', '--role', 'agent', ...w]), /--name is required/);
    await assert.rejects(runApiKey(env().engine, ['create', '--name', 'x', '--role', 'agent', '--workspace', "1' or '1'='1"]), /Not a workspace id/);
    await assert.rejects(runApiKey(env().engine, ['create', '--name', 'x', '--role', 'agent', '--workspace', '00000000-0000-0000-0000-000000000000']), /No workspace with id/);
  });

  it('requires --workspace when several workspaces exist', async () => {
    await env().workspace();
    await env().workspace();
    await assert.rejects(runApiKey(env().engine, ['create', '--name', 'x', '--role', 'agent']), /Several workspaces exist/);
  });
});

// The "only workspace" default needs a database with exactly one workspace: a fresh one.
describe('CLI on a fresh installation', () => {
  let engine: Engine;
  let cleanup: () => Promise<void>;
  before(async () => {
    const opened = await openTestEngine('pglite');
    engine = opened.engine;
    cleanup = opened.cleanup;
  });
  after(() => cleanup());

  it('explains that no workspace exists yet, then uses the only one without --workspace', async () => {
    await assert.rejects(resolveWorkspace(engine.db, undefined), /No workspace exists yet/);
    const ws = await createWorkspace(engine.db, { workspaceName: 'Solo', adminEmail: uniqueEmail('solo'), adminPassword: 'solo password 1' });
    const lines = await runApiKey(engine, ['create', '--name', 'default ws', '--role', 'marketer']);
    assert.ok(lines[0]!.includes(ws.workspaceId));
    const userLines = await runUser(engine, ['create', '--email', uniqueEmail('solo-user'), '--role', 'agent']);
    assert.ok(userLines[0]!.includes(ws.workspaceId));
  });
});
