import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createUiApp, type UiAppOptions } from './app.ts';
import type { UiDeps } from './deps.ts';
import { checkExposure } from './security.ts';

export interface UiServerOptions extends UiAppOptions {
  /** Default 127.0.0.1. Any other address needs `deps.auth.token` or `deps.auth.proxyHeader`. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

export interface UiServer {
  /** e.g. http://127.0.0.1:8080 (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export class UiListenError extends Error {
  constructor(readonly host: string, readonly port: number, cause: Error) {
    super(`cannot listen on ${host}:${port}: ${(cause as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is in use (pick another with --port)' : cause.message}`);
    this.name = 'UiListenError';
  }
}

/**
 * Starts the web view's HTTP server. Refuses (UiExposureError) a non-loopback host without auth.
 *
 * @example
 * const server = await startUiServer(deps, { port: 8080 });
 * console.log(`Weir UI: ${server.url}`);
 */
export async function startUiServer(deps: UiDeps, options: UiServerOptions = {}): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  checkExposure(host, deps.auth);
  const app = createUiApp(deps, options);
  return new Promise<UiServer>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port });
    server.once('error', (error) => reject(new UiListenError(host, port, error)));
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections of a browser would hold close() open.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}
