import { createHmac, randomBytes } from 'node:crypto';
import type { Executor } from '../platform/http.ts';

// MAC addresses are personal data (a phone's MAC follows its owner): Rapport never stores one.
// Each is reduced to HMAC-SHA256 under a per-workspace secret, so the same device gives the same
// value within a workspace, but nothing can be matched across workspaces or from a MAC list
// without the secret.

export type MacCheck = { ok: true; value: string } | { ok: false; reason: string };

/** Accepts AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff and aabbccddeeff; answers 12 lower-case hex digits. */
export function normalizeMac(raw: unknown): MacCheck {
  if (typeof raw !== 'string' || raw.length > 32) return { ok: false, reason: 'Expected a MAC address like AA:BB:CC:DD:EE:FF' };
  const s = raw.trim().toLowerCase();
  let hex: string | null = null;
  if (/^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/.test(s)) hex = s.replace(/[:-]/g, '');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(s)) hex = s.replace(/\./g, '');
  else if (/^[0-9a-f]{12}$/.test(s)) hex = s;
  if (!hex) return { ok: false, reason: 'Expected a MAC address like AA:BB:CC:DD:EE:FF' };
  if (hex === '000000000000') return { ok: false, reason: 'The all-zero address is not a device' };
  // The lowest bit of the first octet marks group (multicast/broadcast) addresses: never one phone.
  if (parseInt(hex.slice(0, 2), 16) & 1) return { ok: false, reason: 'A multicast or broadcast address is not a device' };
  return { ok: true, value: hex };
}

const secrets = new Map<string, string>();

/** The workspace's HMAC secret, made on first use (concurrent first uses agree through the primary key). */
export async function presenceSecret(db: Executor, workspaceId: string): Promise<string> {
  const cached = secrets.get(workspaceId);
  if (cached) return cached;
  await db
    .insertInto('presence_secrets')
    .values({ workspace_id: workspaceId, secret: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await db.selectFrom('presence_secrets').select('secret').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  secrets.set(workspaceId, row.secret);
  return row.secret;
}

export function macHash(secret: string, normalizedMac: string): string {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(normalizedMac).digest('hex');
}
