import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmCodec, ENCRYPTED_ENCODING } from './aes-gcm-codec.ts';
import { startCodecServer, type CodecServer, type CodecServerOptions } from './codec-server.ts';
import { payloadsFromJson, payloadsToJson, type PayloadJson } from './payload-json.ts';

const UI = 'http://localhost:8233';
const codec = new AesGcmCodec({ id: 'k1', key: randomBytes(32) });
const secret = { password: 'hunter2-not-for-the-ui' };
const base64 = (text: string) => Buffer.from(text).toString('base64');
const fromBase64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

let server: CodecServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<CodecServerOptions> = {}): Promise<CodecServer> {
  server = await startCodecServer({ port: 0, codec, allowedOrigins: [UI], ...options });
  return server;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const plainBody = () => payloadsToJson([defaultPayloadConverter.toPayload(secret)]);

describe('codec server', () => {
  it('encodes and decodes proto3-JSON payloads over HTTP, answering the UI origin with CORS headers', async () => {
    await start();
    const encoded = await post('/encode', plainBody(), { Origin: UI, 'X-Namespace': 'default' });
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('access-control-allow-origin')).toBe(UI);
    expect(encoded.headers.get('access-control-allow-credentials')).toBe('true');
    const encrypted = (await encoded.json()) as { payloads: PayloadJson[] };
    expect(fromBase64(encrypted.payloads[0]!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(fromBase64(encrypted.payloads[0]!.data)).not.toContain('hunter2');

    const decoded = await post('/decode', encrypted, { Origin: UI, 'X-Namespace': 'default' });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI);
    const [payload] = payloadsFromJson(await decoded.json());
    expect(defaultPayloadConverter.fromPayload(payload!)).toEqual(secret);
  });

  it('answers the browser preflight with the methods and headers the UI sends', async () => {
    await start();
    const response = await fetch(`${server!.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
  });

  it('refuses origins it was not told about, and allows any with "*"', async () => {
    await start();
    const refused = await post('/decode', plainBody(), { Origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await refused.json()) as { error: string }).error).toBe('origin https://evil.example is not allowed; start the codec server with --origin https://evil.example');
    await server!.close();
    await start({ allowedOrigins: ['*'] });
    const allowed = await post('/decode', plainBody(), { Origin: 'https://ui.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ui.example');
  });

  it('serves requests without an Origin (CLI, curl) and passes unencrypted payloads through /decode', async () => {
    await start();
    const response = await post('/decode', plainBody());
    expect(response.status).toBe(200);
    expect(defaultPayloadConverter.fromPayload(payloadsFromJson(await response.json())[0]!)).toEqual(secret);
  });

  it('honours X-Namespace, or the namespace in the path, when restricted to some namespaces', async () => {
    await start({ namespaces: ['default'] });
    expect((await post('/encode', plainBody(), { 'X-Namespace': 'default' })).status).toBe(200);
    expect((await post('/default/encode', plainBody())).status).toBe(200);
    const other = await post('/encode', plainBody(), { 'X-Namespace': 'payments' });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toBe('namespace "payments" is not served here (serves: default)');
    expect((await post('/encode', plainBody())).status).toBe(400);
    expect((await post('/payments/encode', plainBody(), { 'X-Namespace': 'default' })).status).toBe(400);
  });

  it('answers bad requests with a status and a message', async () => {
    await start();
    const notJson = await post('/decode', '{oops');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/^body is not JSON/);
    const noPayloads = await post('/decode', { items: [] });
    expect(((await noPayloads.json()) as { error: string }).error).toBe('payloads: the body must be a JSON object with a "payloads" array');
    const badData = await post('/decode', { payloads: [{ metadata: { encoding: base64('json/plain') }, data: 'not base64!' }] });
    expect(badData.status).toBe(400);
    expect(((await badData.json()) as { error: string }).error).toBe('payloads[0].data: must be a base64 string');
    expect((await fetch(`${server!.url}/decode`)).status).toBe(405);
    expect((await post('/nowhere/else/decode', plainBody())).status).toBe(404);
    const tooBig = await startCodecServer({ port: 0, codec, maxBodyBytes: 64 });
    try {
      expect((await fetch(`${tooBig.url}/encode`, { method: 'POST', body: JSON.stringify(plainBody()) })).status).toBe(413);
    } finally {
      await tooBig.close();
    }
  });

  it('reports a tampered payload as a 400 with the codec error', async () => {
    await start();
    const encrypted = payloadsFromJson(await (await post('/encode', plainBody())).json());
    const data = Buffer.from(encrypted[0]!.data!);
    data[15] = data[15]! ^ 0xff;
    const response = await post('/decode', payloadsToJson([{ ...encrypted[0]!, data }]));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/encrypted payload \(key "k1"\) failed authentication/);
  });
});
