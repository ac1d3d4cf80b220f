import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { PayloadDecryptionError } from './aes-gcm-codec.ts';
import { PayloadJsonError, payloadsFromJson, payloadsToJson } from './payload-json.ts';

export interface CodecServerOptions {
  /** 0 picks a free port. */
  port: number;
  codec: PayloadCodec;
  /** Web UI origins allowed to call from a browser; `*` allows any. Default: the dev UI on :8233. */
  allowedOrigins?: readonly string[];
  /** Default 127.0.0.1: whoever reaches this server can decrypt, so it stays local unless asked. */
  host?: string;
  /** When given, only these namespaces (X-Namespace header or /{namespace}/decode path) are served. */
  namespaces?: readonly string[];
  maxBodyBytes?: number;
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'] as const;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/(?:([^/]+)\/)?(encode|decode)\/?$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the Temporal codec server protocol (POST /encode and /decode with proto3-JSON
 * payloads), so the Web UI and `temporal --codec-endpoint` can show encrypted payloads.
 *
 * @example
 * const server = await startCodecServer({ port: 8888, codec: codecFromEnv(process.env)! });
 * // Web UI: Settings -> Codec Server -> http://127.0.0.1:8888
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const allowedOrigins = new Set(options.allowedOrigins ?? DEFAULT_UI_ORIGINS);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = statusOf(error);
      if (!response.headersSent) sendJson(response, status, { error: status === 500 ? `internal error: ${(error as Error).message}` : (error as Error).message });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!allowedOrigins.has(origin) && !allowedOrigins.has('*')) {
        throw new HttpError(403, `origin ${origin} is not allowed; start the codec server with --origin ${origin}`);
      }
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Vary', 'Origin');
    }
    const route = ROUTE.exec(new URL(request.url ?? '/', 'http://codec').pathname);
    if (!route) throw new HttpError(404, 'not found: POST /encode or /decode');
    if (request.method === 'OPTIONS') {
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      response.setHeader('Access-Control-Max-Age', '600');
      response.writeHead(204).end();
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST, OPTIONS');
      throw new HttpError(405, `${request.method} is not allowed; use POST`);
    }
    checkNamespace(namespaceOf(request, route[1]));
    const payloads = payloadsFromJson(parseJson(await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)));
    const result = route[2] === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    sendJson(response, 200, payloadsToJson(result));
  }

  function checkNamespace(namespace: string | undefined): void {
    if (!options.namespaces) return;
    if (namespace === undefined) throw new HttpError(400, 'the X-Namespace header is required');
    if (!options.namespaces.includes(namespace)) throw new HttpError(403, `namespace "${namespace}" is not served here (serves: ${options.namespaces.join(', ')})`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  // A bad body or a payload that will not decrypt is the caller's problem, not the server's.
  if (error instanceof PayloadJsonError || error instanceof PayloadDecryptionError || error instanceof URIError) return 400;
  return 500;
}

/** The UI sends X-Namespace; the CLI's endpoint templating puts it in the path instead. */
function namespaceOf(request: IncomingMessage, fromPath: string | undefined): string | undefined {
  const header = request.headers['x-namespace'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const decodedPath = fromPath === undefined ? undefined : decodeURIComponent(fromPath);
  if (fromHeader && decodedPath && fromHeader !== decodedPath) {
    throw new HttpError(400, `X-Namespace "${fromHeader}" disagrees with the namespace "${decodedPath}" in the path`);
  }
  return fromHeader || decodedPath;
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `body is not JSON: ${(error as Error).message}`);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
