import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/db.ts';
import { createApiKey } from './api-keys.ts';
import { hashPassword } from './passwords.ts';

export interface WorkspaceSeed {
  workspaceName: string;
  adminEmail: string;
  adminPassword: string;
  /** A fixed key from the environment (for automation); otherwise one is generated. */
  apiKey?: string;
}

export interface BootstrappedWorkspace {
  workspaceId: string;
  userId: string;
  adminEmail: string;
  adminPassword: string;
  apiKey: string;
}

/** Creates a workspace with one admin user and one admin API key, all in one transaction. */
export async function createWorkspace(db: Db, seed: WorkspaceSeed): Promise<BootstrappedWorkspace> {
  const passwordHash = await hashPassword(seed.adminPassword);
  return db.transaction().execute(async (trx) => {
    const ws = await trx.insertInto('workspaces').values({ name: seed.workspaceName }).returning('id').executeTakeFirstOrThrow();
    const user = await trx
      .insertInto('users')
      .values({ workspace_id: ws.id, email: seed.adminEmail, name: 'Admin', role: 'admin', password_hash: passwordHash })
      .returning('id')
      .executeTakeFirstOrThrow();
    let apiKey: string;
    if (seed.apiKey) {
      const { sha256 } = await import('./tokens.ts');
      await trx
        .insertInto('api_keys')
        .values({ workspace_id: ws.id, name: 'bootstrap', role: 'admin', prefix: seed.apiKey.slice(0, 10), key_hash: sha256(seed.apiKey), created_by: user.id })
        .execute();
      apiKey = seed.apiKey;
    } else {
      apiKey = (await createApiKey(trx, { workspaceId: ws.id, name: 'first key', role: 'admin', createdBy: user.id })).key;
    }
    return { workspaceId: ws.id, userId: user.id, adminEmail: seed.adminEmail, adminPassword: seed.adminPassword, apiKey };
  });
}

/**
 * On first start with an empty database: create the workspace and hand out a one-time admin
 * login and API key (or take them from the environment). Returns null when a workspace exists.
 */
export async function bootstrapIfEmpty(
  db: Db,
  env: { RAPPORT_ADMIN_EMAIL?: string; RAPPORT_ADMIN_PASSWORD?: string; RAPPORT_API_KEY?: string; RAPPORT_WORKSPACE_NAME: string },
): Promise<BootstrappedWorkspace | null> {
  const any = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const generated = !env.RAPPORT_ADMIN_PASSWORD;
  const ws = await createWorkspace(db, {
    workspaceName: env.RAPPORT_WORKSPACE_NAME,
    adminEmail: env.RAPPORT_ADMIN_EMAIL ?? 'admin@localhost',
    adminPassword: env.RAPPORT_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url'),
    apiKey: env.RAPPORT_API_KEY,
  });
  if (generated) {
    // A generated password is a one-time login: the admin must pick a new one at first sign-in.
    await db.updateTable('users').set({ must_change_password: true }).where('id', '=', ws.userId).execute();
  }
  return ws;
}
