import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';

// Every text the web app asks for by a literal key exists in English (the language every other
// one falls back to), so no screen ever shows a raw key like "customers.emptyTitle".

const WEB_SRC = new URL('../../web/src/', import.meta.url).pathname;
const readTree = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Tree;
// English is en.json plus one file per capability under en/, merged by top-level key as i18n/index.ts does.
const EN_DIR = join(WEB_SRC, 'i18n/locales/en');
const en: Tree = Object.assign(
  readTree(join(WEB_SRC, 'i18n/locales/en.json')),
  ...readdirSync(EN_DIR).filter((f) => f.endsWith('.json')).map((f) => readTree(join(EN_DIR, f))),
);
const FA_DIR = join(WEB_SRC, 'i18n/locales/fa');
const fa: Tree = Object.assign(
  JSON.parse(readFileSync(join(WEB_SRC, 'i18n/locales/fa.json'), 'utf8')) as Tree,
  ...readdirSync(FA_DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(FA_DIR, f), 'utf8')) as Tree),
);
interface Tree {
  [k: string]: string | Tree;
}

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix + k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key + '.')) out.set(kk, vv);
  }
  return out;
}
const enKeys = flatten(en);
const faKeys = flatten(fa);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(tsx?|jsx?)$/.test(name) ? [path] : [];
  });
}

/** A key is known as itself or through its plural forms (key_one, key_other…). */
const known = (key: string) => enKeys.has(key) || [...enKeys.keys()].some((k) => k.startsWith(key + '_'));

/** Literal keys: t('a.b'), t(x ? 'a.b' : 'c.d'), and keys kept in tables ({ key: 'nav.customers' }). */
function literalKeys(code: string): string[] {
  const keys: string[] = [];
  for (const m of code.matchAll(/\bt\(\s*(['"])([^'"]+)\1/g)) keys.push(m[2]!);
  for (const m of code.matchAll(/\bt\([^()]*?\?\s*(['"])([^'"]+)\1\s*:\s*(['"])([^'"]+)\3\s*\)/g)) keys.push(m[2]!, m[4]!);
  for (const m of code.matchAll(/\bkey:\s*(['"])([a-z][\w]*\.[\w.]+)\1/g)) keys.push(m[2]!);
  return keys;
}

const files = sources(WEB_SRC);

it('every literal translation key used in web/src exists in en.json', () => {
  const missing: string[] = [];
  let count = 0;
  for (const file of files) {
    for (const key of literalKeys(readFileSync(file, 'utf8'))) {
      count++;
      if (!known(key)) missing.push(`${relative(WEB_SRC, file)}: ${key}`);
    }
  }
  assert.ok(count > 100, `the scan found the app's keys (${count})`);
  assert.deepEqual(missing, []);
});

it('every key built from a template (t(`role.${r}`)) points into an existing group of en.json', () => {
  const missing: string[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*`([^`$]*)\$\{/g)) {
      const prefix = m[1]!;
      if (![...enKeys.keys()].some((k) => k.startsWith(prefix))) missing.push(`${relative(WEB_SRC, file)}: ${prefix}…`);
    }
  }
  assert.deepEqual(missing, []);
});

it('the Persian translation has no keys English lacks and keeps every {{placeholder}}', () => {
  const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
  const stray: string[] = [];
  const broken: string[] = [];
  for (const [key, text] of faKeys) {
    // Persian has a single plural form; _one/_other of English map onto _other.
    const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
    if (!known(base)) stray.push(key);
    const english = enKeys.get(key) ?? enKeys.get(`${base}_other`) ?? enKeys.get(base);
    if (english !== undefined && vars(english).join() !== vars(text).join()) broken.push(`${key}: ${vars(text)} vs ${vars(english)}`);
  }
  assert.deepEqual(stray, [], 'keys only in fa.json are typos: the app never asks for them');
  assert.deepEqual(broken, []);
});

it('Persian translates every text of the app (en.json and every capability file)', () => {
  const core = enKeys;
  // English plural forms (_one/_other) are covered by Persian's _other.
  const missing = [...core.keys()].filter((k) => !faKeys.has(k) && !faKeys.has(k.replace(/_(one|other)$/, '_other')));
  assert.deepEqual(missing, []);
});
