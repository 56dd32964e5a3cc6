import type { Role } from '../platform/tables.ts';

/**
 * API keys are resolved once per API_KEY_CACHE_MS per process instead of on every request: an
 * integration hammering the read API otherwise spends a database round trip per request on a row
 * that practically never changes. Only the key's identity is kept (id, workspace, role), never a
 * response. A revoke in this process takes effect at once (forgetApiKey); a revoke made by another
 * process (a second app instance) within API_KEY_CACHE_MS.
 */
export const API_KEY_CACHE_MS = 5_000;
const MAX_CACHED_KEYS = 10_000;

export interface CachedKey {
  id: string;
  workspaceId: string;
  role: Role;
  /** last_used_at as this process last knew it, so the once-a-minute touch needs no read. */
  lastUsedAt: Date | null;
  until: number;
}

/** By sha256 of the key. */
const keys = new Map<string, CachedKey>();
/**
 * Ids revoked by this process, for twice the cache lifetime: a lookup that raced the revoking
 * transaction (read before it committed) may have cached the key again, so hits on these ids are
 * ignored and the database asked instead until every such entry has expired.
 */
const revoked = new Map<string, number>();

export function cachedKey(hash: string, now: number): CachedKey | undefined {
  const k = keys.get(hash);
  if (!k) return undefined;
  if (k.until < now || (revoked.size > 0 && (revoked.get(k.id) ?? 0) >= now)) {
    keys.delete(hash);
    return undefined;
  }
  return k;
}

export function cacheKey(hash: string, k: CachedKey): void {
  if (keys.size >= MAX_CACHED_KEYS) keys.clear();
  keys.set(hash, k);
}

/** Drops a key from this process's cache; called when it is revoked. */
export function forgetApiKey(id: string): void {
  const now = Date.now();
  for (const [rid, until] of revoked) if (until < now) revoked.delete(rid);
  revoked.set(id, now + 2 * API_KEY_CACHE_MS);
  for (const [hash, k] of keys) if (k.id === id) keys.delete(hash);
}

/** Empties the cache, as if API_KEY_CACHE_MS had passed (for tests that change api_keys rows directly). */
export function forgetApiKeys(): void {
  keys.clear();
}
