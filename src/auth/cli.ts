import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli.ts';
import { loadConfig } from '../platform/config.ts';
import { openEngine, type Engine } from '../platform/db.ts';
import { ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { migrate } from '../platform/migrate.ts';
import { createApiKey } from './api-keys.ts';
import { writeAuditRow } from './audit.ts';
import { isRole } from './roles.ts';
import { nameSchema } from './schema.ts';
import { createUser, generatePassword } from './users.ts';

/** Without --workspace the only workspace is meant; with several, guessing would be dangerous. */
export async function resolveWorkspace(db: Executor, id: string | undefined): Promise<string> {
  if (id !== undefined) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`Not a workspace id: ${id}`);
    const ws = await db.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst();
    if (!ws) throw new Error(`No workspace with id ${id}`);
    return ws.id;
  }
  const all = await db.selectFrom('workspaces').select(['id', 'name']).orderBy('created_at').limit(21).execute();
  if (all.length === 0) throw new Error('No workspace exists yet: run `rapport start` once to create it.');
  if (all.length > 1) {
    const list = all.slice(0, 20).map((w) => `  ${w.id}  ${w.name}`);
    throw new Error(['Several workspaces exist; pick one with --workspace ID:', ...list].join('\n'));
  }
  return all[0]!.id;
}

function requireRole(value: string | undefined): 'admin' | 'marketer' | 'agent' | 'analyst' {
  if (!isRole(value)) throw new Error('--role must be one of admin, marketer, agent, analyst');
  return value;
}

function describe(err: unknown): Error {
  if (err instanceof ValidationError && err.fields) {
    return new Error(Object.entries(err.fields).map(([k, v]) => `${k}: ${v.join(', ')}`).join('\n'));
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** `user create`; returns the lines to print (the generated password appears once, here). */
export async function runUser(engine: Engine, args: string[]): Promise<string[]> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new Error('Usage: rapport user create --email E --role R [--name N] [--password P] [--workspace ID]');
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, workspace: { type: 'string' } },
    strict: true,
  });
  if (!values.email) throw new Error('--email is required');
  const role = requireRole(values.role);
  const name = nameSchema.safeParse(values.name ?? '');
  if (!name.success) throw new Error(`--name: ${name.error.issues[0]?.message}`);
  const generated = values.password === undefined;
  const password = values.password ?? generatePassword();
  try {
    const user = await engine.db.transaction().execute(async (trx) => {
      const workspaceId = await resolveWorkspace(trx, values.workspace);
      // A password typed by the operator is theirs to hand over; a generated one is a one-time login.
      const u = await createUser(trx, { workspaceId, email: values.email!, name: name.data, role, password, mustChangePassword: generated });
      await writeAuditRow(trx, { workspaceId, userId: null, requestId: 'cli' }, { action: 'user.create', entity: 'user', entityId: u.id, after: u });
      return { ...u, workspaceId };
    });
    const lines = [`Created ${user.role} ${user.email} (id ${user.id}) in workspace ${user.workspaceId}.`];
    if (generated) lines.push(`Password: ${password}`, 'Shown once; the user must change it at first sign-in.');
    return lines;
  } catch (err) {
    throw describe(err);
  }
}

/** `apikey create`; returns the lines to print (the key appears once, here). */
export async function runApiKey(engine: Engine, args: string[]): Promise<string[]> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new Error('Usage: rapport apikey create --name N --role R [--workspace ID]');
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, role: { type: 'string' }, workspace: { type: 'string' } },
    strict: true,
  });
  const name = nameSchema.safeParse(values.name ?? '');
  if (!name.success || name.data === '') throw new Error('--name is required (at most 200 characters)');
  const role = requireRole(values.role);
  const key = await engine.db.transaction().execute(async (trx) => {
    const workspaceId = await resolveWorkspace(trx, values.workspace);
    const k = await createApiKey(trx, { workspaceId, name: name.data, role });
    await writeAuditRow(trx, { workspaceId, userId: null, requestId: 'cli' }, { action: 'api_key.create', entity: 'api_key', entityId: k.id, after: { name: k.name, role: k.role, prefix: k.prefix } });
    return { ...k, workspaceId };
  });
  return [`Created ${key.role} API key "${key.name}" (id ${key.id}) in workspace ${key.workspaceId}.`, `Key: ${key.key}`, 'Shown once; store it now.'];
}

async function withEngine(fn: (engine: Engine) => Promise<string[]>): Promise<void> {
  const config = loadConfig();
  const engine = await openEngine({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(engine);
    for (const line of await fn(engine)) console.log(line);
  } finally {
    await engine.close();
  }
}

export const authCommands: Record<string, CliCommand> = {
  user: {
    usage: 'user create --email E --role R [--name N] [--password P] [--workspace ID]   add a user',
    run: (args) => withEngine((engine) => runUser(engine, args)),
  },
  apikey: {
    usage: 'apikey create --name N --role R [--workspace ID]   create an API key (printed once)',
    run: (args) => withEngine((engine) => runApiKey(engine, args)),
  },
};
