import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { reloadingCatalog } from './catalog.ts';
import type { UiAuthSettings, UiDeps } from './deps.ts';
import { startUiServer, type UiServer } from './server.ts';
import { startTestWorker, type TestWorker, type TestWorkerOptions } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

/** DAGs of the web view's tests: a scheduled one, a manual one, a leaky one and a broken file. */
export const UI_FIXTURE_DAGS = fileURLToPath(new URL('./fixtures/dags/', import.meta.url));

/** A real worker serving the fixture DAGs (schedules synced on its own task queue). */
export function startUiTestWorker(options: TestWorkerOptions = {}): Promise<TestWorker> {
  return startTestWorker({ dagsDir: UI_FIXTURE_DAGS, syncSchedules: true, ...options });
}

/** The view's dependencies on the test worker's client and database. */
export function uiDepsFor(worker: TestWorker, auth: UiAuthSettings): UiDeps {
  return {
    client: worker.client,
    db: worker.db,
    taskQueue: worker.taskQueue,
    namespace: 'default',
    catalog: reloadingCatalog(UI_FIXTURE_DAGS, 60_000),
    temporalUiUrl: testStack().temporalUiUrl,
    auth,
  };
}

/** A real server on 127.0.0.1 and a free port. */
export function startTestUiServer(worker: TestWorker, auth: UiAuthSettings): Promise<UiServer> {
  return startUiServer(uiDepsFor(worker, auth), { port: 0, logError: (error) => console.error(error) });
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request over a socket, with any Host and Origin headers (fetch would refuse to send
 * a Host of our choosing) and no redirect following.
 */
export function http(url: string, options: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {}): Promise<HttpReply> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The CSRF token a page carries in its `weir-csrf` meta tag. */
export function csrfTokenOf(page: string): string {
  const match = /<meta name="weir-csrf" content="([^"]+)">/.exec(page);
  if (!match?.[1]) throw new Error('the page carries no CSRF token');
  return match[1];
}

/**
 * Where the browser tests save each page's screenshot: `WEIR_SCREENSHOTS_DIR` when set (CI sets
 * it to ci-artifacts/screenshots/ and keeps the folder as an artifact), else docs/screenshots/,
 * the pictures the README's "Web view" section shows.
 */
export function screenshotsDir(env: Record<string, string | undefined> = process.env): string {
  const configured = env.WEIR_SCREENSHOTS_DIR?.trim();
  return configured ? path.resolve(configured) : fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
}

/** Where a failed session's screenshot goes: a `failures/` folder beside the page screenshots in CI, else the temp folder. */
function failureShotsDir(env: Record<string, string | undefined> = process.env): string {
  return env.WEIR_SCREENSHOTS_DIR?.trim() ? path.join(screenshotsDir(env), 'failures') : tmpdir();
}

/** Saves the full page as `<name>.png` in the screenshots folder and returns the file's path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotsDir();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface BrowserSession {
  context: BrowserContext;
  /**
   * Runs `session` on a new page; fails on any uncaught page error. On failure it saves a
   * screenshot and names it, with the page's URL, in the error.
   */
  withPage(name: string, session: (page: Page) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * A browser context on the integration run's one Chromium (test/browser-setup.ts starts it on
 * the first request and closes it at the end of the run), for one test file.
 *
 * @example
 * const browser = await openSharedBrowser({ viewport: { width: 1280, height: 800 } });
 * await browser.withPage('dags', async (page) => { await page.goto(server.url); });
 * await browser.close();
 */
export async function openSharedBrowser(options: { viewport?: { width: number; height: number }; stepTimeoutMs?: number } = {}): Promise<BrowserSession> {
  const answer = await fetch(inject('browserBrokerUrl'));
  const endpoint = await answer.text();
  if (!answer.ok) throw new Error(endpoint);
  const browser: Browser = await chromium.connect(endpoint);
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const stepTimeoutMs = options.stepTimeoutMs ?? 60_000;
  return {
    context,
    async withPage(name, session) {
      const page = await context.newPage();
      page.setDefaultTimeout(stepTimeoutMs);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      try {
        await session(page);
        if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
      } catch (error) {
        const dir = failureShotsDir();
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, `weir-ui-${name}-${Date.now()}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        if (error instanceof Error) error.message = `${error.message}\n(screenshot: ${file}; page ${page.url()})`;
        throw error;
      } finally {
        await page.close();
      }
    },
    // Disconnecting closes this file's contexts; the shared browser stays for the other files.
    close: () => browser.close(),
  };
}
