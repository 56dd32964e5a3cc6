import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { generateDemo } from '../src/demo/service.ts';
import { openEngine } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { startRapport } from '../test/support/start-rapport.ts';
import type { BenchResult } from './read-api.ts';

// The web app as a user first meets it: how much JavaScript the first screen costs (gzipped, as it
// travels), and how long headless Chromium takes from navigation to a customer list that shows
// rows and takes clicks, on a workspace of 100,000 demo customers in the embedded database.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'web/dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The entry chunk and everything index.html preloads with it: what loads before the first screen. */
export function initialAssets(dist = DIST): { js: string[]; css: string[] } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]+)"`).exec(tag)?.[1];
  const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
  const js = new Set<string>();
  const css = new Set<string>();
  for (const tag of tags) {
    if (tag.startsWith('<script') && /type="module"/.test(tag) && attr(tag, 'src')) js.add(attr(tag, 'src')!);
    if (tag.startsWith('<link') && /rel="modulepreload"/.test(tag) && attr(tag, 'href')) js.add(attr(tag, 'href')!);
    if (tag.startsWith('<link') && /rel="stylesheet"/.test(tag) && attr(tag, 'href')) css.add(attr(tag, 'href')!);
  }
  return { js: [...js], css: [...css] };
}

function gzippedBytes(dist: string, paths: string[]): number {
  return paths.reduce((sum, p) => sum + gzipSync(readFileSync(join(dist, p.replace(/^\//, '')))).length, 0);
}

export function measureBundle(dist = DIST): BenchResult[] {
  execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  const { js, css } = initialAssets(dist);
  if (js.length === 0) throw new Error('web/dist/index.html names no module script');
  return [
    { name: `web: initial JS gzipped (${js.length} files)`, value: kb(gzippedBytes(dist, js)), unit: 'KB', target: '<= 250', engine: '-' },
    { name: 'web: initial CSS gzipped', value: kb(gzippedBytes(dist, css)), unit: 'KB', target: '-', engine: '-' },
  ];
}

/** Records, in the page's own clock (ms since navigation start), when the first customer row appears. */
const LIST_PROBE = `
  window.__listReady = new Promise((resolve) => {
    const seen = () => document.querySelector('table tbody tr a[href^="/customers/"]');
    const obs = new MutationObserver(() => { if (seen()) { obs.disconnect(); resolve(performance.now()); } });
    obs.observe(document, { childList: true, subtree: true });
  });
`;

async function timeCustomerList(browser: Browser, url: string, login: { email: string; password: string }, runs: number) {
  const cold: number[] = [];
  const warm: number[] = [];
  const api: number[] = [];
  const tags: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A new context has an empty HTTP cache: the first visit downloads everything.
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
    try {
      const signIn = await context.request.post('/api/v1/auth/login', { data: login });
      if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()} ${await signIn.text()}`);
      await context.addInitScript(LIST_PROBE);
      const page = await context.newPage();
      for (const [label, go] of [['cold', () => page.goto('/customers')], ['warm', () => page.reload()]] as const) {
        await go();
        const ms = await page.evaluate(() => (window as unknown as { __listReady: Promise<number> }).__listReady);
        (label === 'cold' ? cold : warm).push(ms);
        // The list's own request, and the tag filter's, which the embedded database answers in turn.
        // The tag counts are asked for only once the list has arrived: wait for that answer too.
        await page
          .waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/api\/v1\/tags$/.test(e.name)), null, { timeout: 30_000 })
          .catch(() => undefined);
        const [people, tagList] = await page.evaluate(() =>
          [/\/api\/v1\/people\?/, /\/api\/v1\/tags$/].map((re) => performance.getEntriesByType('resource').find((e) => re.test(e.name))?.duration ?? Number.NaN),
        );
        api.push(people!);
        tags.push(tagList!);
      }
      // Interactive, not just painted: the first row opens the customer's page.
      await page.locator('table tbody tr a').first().click();
      await page.getByRole('region', { name: 'Profile' }).waitFor({ timeout: 30_000 });
    } finally {
      await context.close();
    }
  }
  return { cold: median(cold), warm: median(warm), api: median(api.filter(Number.isFinite)), tags: median(tags.filter(Number.isFinite)) };
}

export async function benchWebUi(opts: { customers?: number; runs?: number } = {}): Promise<BenchResult[]> {
  const customers = opts.customers ?? 100_000;
  const runs = opts.runs ?? 5;
  const results = measureBundle();

  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-bench-web-'));
  const login = { email: 'bench-web@example.test', password: 'bench-web-password' };
  let browser: Browser | undefined;
  let rapport: Awaited<ReturnType<typeof startRapport>> | undefined;
  try {
    const engine = await openEngine({ dataDir });
    try {
      await migrate(engine);
      const ws = await createWorkspace(engine.db, { workspaceName: 'Web UI bench', adminEmail: login.email, adminPassword: login.password });
      const t0 = performance.now();
      await generateDemo(engine, { workspaceId: ws.workspaceId, customers, seed: 1 });
      console.log(`  demo data: ${customers} customers in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    } finally {
      await engine.close();
    }
    rapport = await startRapport({ DATA_DIR: dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const t = await timeCustomerList(browser, rapport.url, login, runs);
    const size = `${customers} customers`;
    results.push(
      { name: `web: customer list interactive, first visit [${size}]`, value: Math.round(t.cold), unit: 'ms', target: '< 1500', engine: 'pglite' },
      { name: `web: customer list interactive, reload [${size}]`, value: Math.round(t.warm), unit: 'ms', target: '< 1500', engine: 'pglite' },
      { name: `web: customer list API request [${size}]`, value: Math.round(t.api), unit: 'ms', target: '-', engine: 'pglite' },
      { name: `web: tag filter API request [${size}]`, value: Math.round(t.tags), unit: 'ms', target: '-', engine: 'pglite' },
    );
  } finally {
    await browser?.close().catch(() => {});
    await rapport?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

// `node --import tsx bench/web-ui.ts [customers] [runs]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.table(await benchWebUi({ customers: Number(process.argv[2] ?? 100_000), runs: Number(process.argv[3] ?? 5) }));
}
