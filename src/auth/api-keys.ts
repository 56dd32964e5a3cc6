import type { Executor } from '../platform/http.ts';
import type { Role } from '../platform/tables.ts';
import { randomToken, sha256 } from './tokens.ts';

export const API_KEY_PREFIX = 'rk_';

export interface CreatedApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  /** The whole key: returned once, never stored. */
  key: string;
}

export async function createApiKey(
  db: Executor,
  input: { workspaceId: string; name: string; role: Role; createdBy?: string | null },
): Promise<CreatedApiKey> {
  const key = randomToken(API_KEY_PREFIX);
  const prefix = key.slice(0, 10);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      role: input.role,
      prefix,
      key_hash: sha256(key),
      created_by: input.createdBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, name: input.name, role: input.role, prefix, key };
}
