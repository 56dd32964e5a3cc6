import { useEffect, useState } from 'react';
import { currentLocale } from '../i18n/index.ts';
import { formatDate, formatNumber } from '../i18n/format.ts';
import type { AttributeDef } from './types.ts';

// How a customer's stored values read on screen. Phones are kept in E.164 (+358401234567), which
// is exact but hard to read aloud or dial from; shown in the international format with spaces.

let phoneFormat: ((e164: string) => string) | null = null;
let phoneFormatLoading: Promise<void> | null = null;

/**
 * The phone formatter, once its chunk has loaded (numbers show as stored until then): the
 * customer list is the first screen, and its JavaScript should not wait for numbering plans.
 */
export function usePhoneFormat(): (e164: string) => string {
  const [, setLoaded] = useState(phoneFormat !== null);
  useEffect(() => {
    if (phoneFormat) return;
    let live = true;
    phoneFormatLoading ??= import('./phone-format.ts').then((m) => {
      phoneFormat = m.formatPhone;
    });
    void phoneFormatLoading.then(() => live && setLoaded(true));
    return () => {
      live = false;
    };
  }, []);
  return phoneFormat ?? ((e164) => e164);
}

/** "fi" → "Finnish" (in the user's language); an unknown tag is shown as stored. */
export function languageName(tag: string | null | undefined): string {
  if (!tag) return '—';
  try {
    return new Intl.DisplayNames([currentLocale()], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A custom field's value by its type; yes/no come from the caller's translations. */
export function attributeValue(def: AttributeDef | undefined, value: unknown, yesNo: (v: boolean) => string): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (def?.type) {
    case 'number':
      return typeof value === 'number' ? formatNumber(value, 6) : String(value);
    case 'date':
      return formatDate(String(value));
    case 'boolean':
      return typeof value === 'boolean' ? yesNo(value) : String(value);
    default:
      return Array.isArray(value) ? value.join(', ') : String(value);
  }
}
