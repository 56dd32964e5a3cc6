import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, startRapport, type RunningRapport } from '../support/start-rapport.ts';

// Browser tests drive the real product: the npm bin on a fresh embedded database, the built SPA it
// serves, and headless Chromium. One Rapport and one browser per test file keeps CI time down.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const RESULTS = join(ROOT, 'test-results');

export interface E2E {
  url: string;
  adminEmail: string;
  adminPassword: string;
  /** An admin API key, for setting up data a test is not about. */
  apiKey: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  rapport: RunningRapport;
  /** Calls the API with the admin key; throws on a non-2xx answer. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Opens the app and signs in through the sign-in form (a no-op when already signed in). */
  signIn(): Promise<void>;
}

/** `npm test` builds the SPA first; a lone run of these files builds it if it is missing. */
export function ensureWebBuild(): void {
  if (existsSync(join(ROOT, 'web/dist/index.html'))) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Registers before/after hooks for this test file and returns an accessor for the running
 * Rapport, browser and page (available once `before` has run).
 */
export function e2eSuite(opts: { locale?: string } = {}): () => E2E {
  let env: E2E | undefined;
  let dataDir = '';

  before(async () => {
    ensureWebBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'rapport-e2e-'));
    const adminEmail = 'owner@example.test';
    const adminPassword = `e2e-${randomBytes(6).toString('hex')}-pass`;
    const apiKey = `rk_e2e_${randomBytes(16).toString('hex')}`;
    const rapport = await startRapport({ DATA_DIR: dataDir, RAPPORT_ADMIN_EMAIL: adminEmail, RAPPORT_ADMIN_PASSWORD: adminPassword, RAPPORT_API_KEY: apiKey });
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (err) {
      await rapport.stop();
      throw err;
    }
    const context = await browser.newContext({ baseURL: rapport.url, locale: opts.locale ?? 'en-GB', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // Waits end well before the test's own timeout so a stuck step names the locator it waited for.
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const url = rapport.url;
    env = {
      url,
      adminEmail,
      adminPassword,
      apiKey,
      browser,
      context,
      page,
      rapport,
      async api<T>(method: string, path: string, body?: unknown): Promise<T> {
        const res = await fetch(`${url}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
        return (text ? JSON.parse(text) : undefined) as T;
      },
      async signIn() {
        await page.goto('/customers');
        const form = page.getByRole('heading', { name: 'Sign in to your workspace' });
        const shell = page.getByRole('navigation', { name: 'Main' });
        await form.or(shell).first().waitFor();
        if (await shell.isVisible()) return;
        await page.getByLabel('E-mail').fill(adminEmail);
        await page.getByLabel('Password').fill(adminPassword);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await shell.waitFor();
      },
    };
  });

  after(async () => {
    // Each step on its own: a failed close must not leave the server or the browser running.
    await env?.browser.close().catch(() => {});
    await env?.rapport.stop().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  return () => {
    if (!env) throw new Error('The e2e suite did not start (see the before hook error)');
    return env;
  };
}

/** A file-system-safe name for a test's screenshot. */
export function screenshotName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'test';
}

/** Saves test-results/<name>.png; never throws, a screenshot is a courtesy to whoever reads the failure. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  try {
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, `${screenshotName(name)}.png`), fullPage: true, timeout: 5_000 });
  } catch {
    // The test's own error is what matters.
  }
}

/** `it`, but a failing test leaves test-results/<test name>.png behind before the error is rethrown. */
export function browserTest(env: () => E2E, name: string, fn: (page: Page) => Promise<void>, timeout = 120_000): void {
  it(name, { timeout }, async () => {
    try {
      await fn(env().page);
    } catch (err) {
      await saveScreenshot(env().page, name);
      throw err;
    }
  });
}
