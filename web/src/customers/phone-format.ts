import parsePhoneNumber from 'libphonenumber-js/min';

/** +358401234567 → "+358 40 1234567". Loaded on demand: its numbering plans are ~30 KB gzipped. */
export function formatPhone(e164: string): string {
  return parsePhoneNumber(e164)?.formatInternational() ?? e164;
}
