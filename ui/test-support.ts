import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
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

/** Debian's Chromium, headless, as the repository's other browser tests run it. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where each page's screenshot goes; the README's "Web view" section shows them. */
export const SCREENSHOTS_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
