import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';

/** Debian's Chromium, headless, as every browser test of the repository runs it. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

declare module 'vitest' {
  export interface ProvidedContext {
    /** http:// URL that answers with the WebSocket endpoint of the run's one shared Chromium. */
    browserBrokerUrl: string;
  }
}

/**
 * One Chromium for every browser test file of an integration run, as test/global-setup.ts keeps
 * one Temporal server and one Postgres. It starts on the first file's request only, so a run
 * without browser tests never starts it; each file connects to it (`chromium.connect`) and
 * gets contexts of its own. ui/test-support.ts `openSharedBrowser()` is the way in.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let launched: Promise<BrowserServer> | undefined;
  const launch = () => (launched ??= chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, host: '127.0.0.1' }));
  const broker: Server = createServer((_request, response) => {
    launch().then(
      (browser) => response.writeHead(200, { 'content-type': 'text/plain' }).end(browser.wsEndpoint()),
      (error: unknown) => {
        // A failed launch is reported to every file that asks, then tried again by the next one.
        launched = undefined;
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot start ${CHROMIUM}: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    broker.once('error', reject);
    broker.listen(0, '127.0.0.1', resolve);
  });
  project.provide('browserBrokerUrl', `http://127.0.0.1:${(broker.address() as AddressInfo).port}/`);
  return async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const browser = await launched?.catch(() => undefined);
    await browser?.close();
  };
}
