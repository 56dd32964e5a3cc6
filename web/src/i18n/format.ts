import { currentLocale } from './index.ts';

// Dates, numbers and money follow the user's chosen language, not the browser's.

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium' }).format(new Date(value));
}

export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: digits }).format(value);
}

/** A share given as a fraction (0.333 → "33.3%"); the sign and its place follow the language ("۳۳٫۳٪" in Persian). */
export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: digits }).format(fraction);
}

/** Amounts travel as integer minor units; the currency says how many decimals they have. */
export function formatMoney(minor: number | string | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  const fmt = new Intl.NumberFormat(currentLocale(), { style: 'currency', currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(Number(minor) / 10 ** digits);
}
