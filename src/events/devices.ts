import { loadContact } from '../contacts/records.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import { macHash, normalizeMac, presenceSecret } from './mac.ts';

// A customer's phone is recognised by a sensor only after the customer consented: the
// registration keeps the consent text, time and source as proof, and the MAC only as an HMAC.
// Withdrawing consent stops recognition at once (the row stays as the consent record).

export interface DeviceView {
  id: string;
  contactId: string;
  label: string | null;
  consentText: string;
  consentAt: Date;
  consentSource: string;
  createdAt: Date;
  withdrawnAt: Date | null;
}

const COLS = ['id', 'contact_id', 'label', 'consent_text', 'consent_at', 'consent_source', 'created_at', 'withdrawn_at'] as const;
const view = (r: {
  id: string;
  contact_id: string;
  label: string | null;
  consent_text: string;
  consent_at: Date;
  consent_source: string;
  created_at: Date;
  withdrawn_at: Date | null;
}): DeviceView => ({
  id: r.id,
  contactId: r.contact_id,
  label: r.label,
  consentText: r.consent_text,
  consentAt: r.consent_at,
  consentSource: r.consent_source,
  createdAt: r.created_at,
  withdrawnAt: r.withdrawn_at,
});

export async function registerDevice(
  db: Executor,
  ws: string,
  contactId: string,
  body: { mac: string; label?: string | null; consentText: string; consentSource: string; consentAt?: string },
): Promise<DeviceView> {
  await loadContact(db, ws, contactId);
  const mac = normalizeMac(body.mac);
  if (!mac.ok) throw ValidationError.field('mac', mac.reason);
  const consentAt = body.consentAt ? new Date(body.consentAt) : new Date();
  if (consentAt.getTime() > Date.now() + 5 * 60_000) throw ValidationError.field('consentAt', 'Consent cannot be given in the future');
  const hash = macHash(await presenceSecret(db, ws), mac.value);
  const taken = await db
    .selectFrom('devices')
    .select('contact_id')
    .where('workspace_id', '=', ws)
    .where('mac_hash', '=', hash)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  if (taken) {
    throw new Conflict(taken.contact_id === contactId ? 'This device is already registered to this customer' : 'This device is registered to another customer', {
      mac: ['Already registered'],
    });
  }
  const r = await db
    .insertInto('devices')
    .values({
      workspace_id: ws,
      contact_id: contactId,
      mac_hash: hash,
      label: body.label ?? null,
      consent_text: body.consentText,
      consent_at: consentAt,
      consent_source: body.consentSource,
    })
    .returning(COLS)
    .executeTakeFirstOrThrow();
  return view(r);
}

export async function listDevices(db: Executor, ws: string, contactId: string): Promise<DeviceView[]> {
  await loadContact(db, ws, contactId);
  const rows = await db
    .selectFrom('devices')
    .select(COLS)
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(view);
}

export async function withdrawDevice(db: Executor, ws: string, contactId: string, deviceId: string): Promise<{ before: DeviceView; after: DeviceView }> {
  const row = await db
    .selectFrom('devices')
    .select(COLS)
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .where('id', '=', deviceId)
    .executeTakeFirst();
  if (!row) throw new NotFound('Device');
  const after = await db
    .updateTable('devices')
    .set({ withdrawn_at: row.withdrawn_at ?? new Date() })
    .where('workspace_id', '=', ws)
    .where('id', '=', deviceId)
    .returning(COLS)
    .executeTakeFirstOrThrow();
  return { before: view(row), after: view(after) };
}
