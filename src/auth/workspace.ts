import { getCountries } from 'libphonenumber-js';
import type { Executor } from '../platform/http.ts';
import { NotFound, ValidationError, type FieldErrors } from '../platform/errors.ts';
import { queueFiguresRecompute } from '../orders/figures-upgrade.ts';
import type { WorkspacePatch } from './schema.ts';

export interface WorkspaceView {
  id: string;
  name: string;
  defaultCountry: string;
  timeZone: string;
  currency: string;
  locale: string;
  paymentTermsDays: number;
  createdAt: Date;
}

const COUNTRIES = new Set<string>(getCountries());
// ICU lists canonical zone names only; UTC is valid everywhere yet missing from that list on Node 20.
const TIME_ZONES = new Set<string>([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
const CURRENCIES = new Set<string>(Intl.supportedValuesOf('currency'));

export async function getWorkspace(db: Executor, workspaceId: string): Promise<WorkspaceView> {
  const r = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
  if (!r) throw new NotFound('Workspace');
  return { id: r.id, name: r.name, defaultCountry: r.default_country, timeZone: r.time_zone, currency: r.currency, locale: r.locale, paymentTermsDays: Number(r.payment_terms_days), createdAt: r.created_at };
}

function canonicalLocale(raw: string): string | null {
  try {
    const [tag] = Intl.getCanonicalLocales(raw);
    return tag ?? null;
  } catch {
    return null;
  }
}

/** Checks every setting at once so the form can show all problems together. */
export function checkSettings(patch: WorkspacePatch): {
  name?: string;
  default_country?: string;
  time_zone?: string;
  currency?: string;
  locale?: string;
  payment_terms_days?: number;
} {
  const fields: FieldErrors = {};
  const out: ReturnType<typeof checkSettings> = {};
  if (patch.name !== undefined) out.name = patch.name;
  if (patch.defaultCountry !== undefined) {
    const c = patch.defaultCountry.toUpperCase();
    if (COUNTRIES.has(c)) out.default_country = c;
    else fields.defaultCountry = ['Not an ISO 3166 country code'];
  }
  if (patch.timeZone !== undefined) {
    if (TIME_ZONES.has(patch.timeZone)) out.time_zone = patch.timeZone;
    else fields.timeZone = ['Not an IANA time zone'];
  }
  if (patch.currency !== undefined) {
    const c = patch.currency.toUpperCase();
    if (/^[A-Z]{3}$/.test(c) && CURRENCIES.has(c)) out.currency = c;
    else fields.currency = ['Not an ISO 4217 currency code'];
  }
  if (patch.locale !== undefined) {
    const l = canonicalLocale(patch.locale);
    if (l) out.locale = l;
    else fields.locale = ['Not a BCP 47 language tag'];
  }
  if (patch.paymentTermsDays !== undefined) out.payment_terms_days = patch.paymentTermsDays;
  if (Object.keys(fields).length) throw new ValidationError('Invalid workspace settings', fields);
  return out;
}

export async function updateWorkspace(db: Executor, workspaceId: string, patch: WorkspacePatch): Promise<{ before: WorkspaceView; after: WorkspaceView }> {
  const set = checkSettings(patch);
  const before = await getWorkspace(db, workspaceId);
  await db.updateTable('workspaces').set(set).where('id', '=', workspaceId).execute();
  const after = await getWorkspace(db, workspaceId);
  // Money figures are sums in the workspace currency and due dates follow the terms: both are
  // recomputed for every customer when either changes.
  if (after.currency !== before.currency || after.paymentTermsDays !== before.paymentTermsDays) await queueFiguresRecompute(db, workspaceId);
  return { before, after };
}
