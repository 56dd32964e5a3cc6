import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

// Every language the picker offers is complete: a Finnish, Norwegian or Russian user sees no
// English, every sentence keeps the placeholders its code fills in (a dropped {{count, number}}
// would print nothing where the number goes), and every plural form the language's grammar
// needs is there (Russian: one, few, many, other).

const LOCALES = new URL('../../web/src/i18n/locales/', import.meta.url).pathname;
const OFFERED = ['fi', 'nb', 'ru', 'fa'];

type Tree = { [k: string]: string | Tree };
function language(code: string): Map<string, string> {
  const dir = join(LOCALES, code);
  const tree: Tree = Object.assign(
    JSON.parse(readFileSync(join(LOCALES, `${code}.json`), 'utf8')),
    ...readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
  );
  const out = new Map<string, string>();
  const walk = (t: Tree, prefix: string) => {
    for (const [k, v] of Object.entries(t)) typeof v === 'string' ? out.set(prefix + k, v) : walk(v, `${prefix}${k}.`);
  };
  walk(tree, '');
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const placeholders = (s: string) => [...s.matchAll(/\{\{[^}]+\}\}/g)].map((m) => m[0]).sort();
const en = language('en');
const enBases = new Set([...en.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));

for (const code of OFFERED) {
  it(`${code}: every text of the app is translated, with its placeholders and plural forms`, () => {
    assert.ok(existsSync(join(LOCALES, `${code}.json`)), `${code}.json exists`);
    const tr = language(code);
    const forms = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
    const missing: string[] = [];
    const broken: string[] = [];
    for (const [key, text] of en) {
      if (PLURAL.test(key)) continue;
      const t = tr.get(key);
      if (t === undefined) missing.push(key);
      else if (placeholders(t).join() !== placeholders(text).join()) broken.push(`${key}: ${t}`);
    }
    for (const base of enBases) {
      const want = placeholders(en.get(`${base}_other`) ?? '').filter((p) => !p.startsWith('{{count'));
      for (const form of forms) {
        const t = tr.get(`${base}_${form}`);
        if (t === undefined) missing.push(`${base}_${form}`);
        // A form may leave the number out ("one customer"), never another placeholder.
        else if (placeholders(t).filter((p) => !p.startsWith('{{count')).join() !== want.join()) broken.push(`${base}_${form}: ${t}`);
      }
    }
    const extra = [...tr.keys()].filter((k) => !en.has(k) && !(PLURAL.test(k) && enBases.has(k.replace(PLURAL, ''))));
    assert.deepEqual(missing, [], `${code} lacks texts`);
    assert.deepEqual(broken, [], `${code} changed placeholders`);
    assert.deepEqual(extra, [], `${code} has texts the app never asks for`);
  });
}
