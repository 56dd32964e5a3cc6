import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json' with { type: 'json' };
import fa from './locales/fa.json' with { type: 'json' };
import enEvents from './locales/en/events.json' with { type: 'json' };
import enInsights from './locales/en/insights.json' with { type: 'json' };
import enPresence from './locales/en/presence.json' with { type: 'json' };
import enSegments from './locales/en/segments.json' with { type: 'json' };
import faEvents from './locales/fa/events.json' with { type: 'json' };
import faInsights from './locales/fa/insights.json' with { type: 'json' };
import faPresence from './locales/fa/presence.json' with { type: 'json' };
import faSegments from './locales/fa/segments.json' with { type: 'json' };

// Each capability keeps its English texts in its own file under one top-level key, so work on
// one screen never edits another's strings.
const english = { ...en, ...enSegments, ...enInsights, ...enEvents, ...enPresence };
const persian = { ...fa, ...faSegments, ...faInsights, ...faEvents, ...faPresence };

// English is complete; other languages fall back to it key by key.
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fi', name: 'Suomi', dir: 'ltr' },
  { code: 'nb', name: 'Norsk', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'fa', name: 'فارسی', dir: 'rtl' },
] as const;

const STORAGE_KEY = 'rapport.lang';

export function applyDocumentLanguage(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
  document.documentElement.lang = lang.code;
  document.documentElement.dir = lang.dir;
}

export function setLanguage(code: string): void {
  localStorage.setItem(STORAGE_KEY, code);
  void i18next.changeLanguage(code);
  applyDocumentLanguage(code);
}

export function currentLocale(): string {
  return i18next.language || 'en';
}

const initial = (typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY)) || 'en';

void i18next.use(initReactI18next).init({
  resources: { en: { translation: english }, fa: { translation: persian } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes already
});
applyDocumentLanguage(initial);

export default i18next;
