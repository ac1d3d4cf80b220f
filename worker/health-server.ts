import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServerOptions {
  port: number;
  /** Default 0.0.0.0: probes and scrapers reach a pod or container from outside it. */
  host?: string;
  /** Alive: the worker process has not failed. A failed liveness probe restarts the pod. */
  isLive: () => boolean;
  /** Ready: the worker is polling its task queues. */
  isReady: () => boolean;
  /** Prometheus text of every metric source, concatenated. */
  metricsText: () => Promise<string>;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `/livez`, `/readyz` and `/metrics` for Kubernetes probes and Prometheus. It answers
 * only GET and HEAD, never reads a request body, and gives nothing away but the metrics.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const probe = (ok: boolean) => response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
    if (path === '/livez' || path === '/healthz') return probe(options.isLive());
    if (path === '/readyz') return probe(options.isReady());
    if (path === '/metrics') {
      options.metricsText().then(
        (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${(error as Error).message}\n`),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await listen(server, options.port, options.host ?? '0.0.0.0');
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Reads the Temporal SDK's own Prometheus exporter, so one scrape gets both. */
export async function fetchPrometheusText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}
