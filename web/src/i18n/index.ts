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

// English and Persian come with the app; Finnish, Norwegian and Russian load when chosen (their
// texts would otherwise add to every first visit). A missing key falls back to English.
type Texts = Record<string, unknown>;
const bundle = (files: Promise<{ default: Texts }>[]): Promise<Texts> => Promise.all(files).then((ms) => Object.assign({}, ...ms.map((m) => m.default)));
// Spelt out rather than globbed: the web unit tests load this module outside Vite.
const LAZY: Record<string, () => Promise<Texts>> = {
  fi: () => bundle([import('./locales/fi.json'), import('./locales/fi/segments.json'), import('./locales/fi/insights.json'), import('./locales/fi/events.json'), import('./locales/fi/presence.json')]),
  nb: () => bundle([import('./locales/nb.json'), import('./locales/nb/segments.json'), import('./locales/nb/insights.json'), import('./locales/nb/events.json'), import('./locales/nb/presence.json')]),
  ru: () => bundle([import('./locales/ru.json'), import('./locales/ru/segments.json'), import('./locales/ru/insights.json'), import('./locales/ru/events.json'), import('./locales/ru/presence.json')]),
};

async function ensureLoaded(code: string): Promise<void> {
  const load = LAZY[code];
  if (!load || i18next.hasResourceBundle(code, 'translation')) return;
  i18next.addResourceBundle(code, 'translation', await load());
}

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

/** Switches at once when the texts are here (English, Persian, or loaded before), else after loading them. */
export function setLanguage(code: string): Promise<void> {
  localStorage.setItem(STORAGE_KEY, code);
  const apply = () => {
    const switched = i18next.changeLanguage(code);
    applyDocumentLanguage(code);
    return switched.then(() => undefined);
  };
  return LAZY[code] && !i18next.hasResourceBundle(code, 'translation') ? ensureLoaded(code).then(apply) : apply();
}

export function currentLocale(): string {
  return i18next.language || 'en';
}

const initial = (typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY)) || 'en';

void i18next.use(initReactI18next).init({
  resources: { en: { translation: english }, fa: { translation: persian } },
  lng: initial,
  fallbackLng: 'en',
  // Bundles added later (ensureLoaded) count as loaded: no backend is asked for them.
  partialBundledLanguages: true,
  interpolation: { escapeValue: false }, // React escapes already
});
applyDocumentLanguage(initial);
// A language chosen on an earlier visit loads before its first screen settles; until then English shows.
if (initial !== 'en' && initial !== 'fa') void setLanguage(initial);

export default i18next;
