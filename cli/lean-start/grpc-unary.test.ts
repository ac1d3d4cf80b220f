import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callUnary, decodeGrpcMessage, frameMessage, GrpcStatusError, GrpcTransportError, unframeMessages } from './grpc-unary.ts';

describe('gRPC message framing', () => {
  it('prefixes a message with "not compressed" and its big-endian length', () => {
    expect([...frameMessage(new Uint8Array([7, 8, 9]))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect([...frameMessage(new Uint8Array(0))]).toEqual([0, 0, 0, 0, 0]);
    expect(frameMessage(new Uint8Array(300)).readUInt32BE(1)).toBe(300);
  });

  it('reads back every framed message of a body', () => {
    const body = Buffer.concat([frameMessage(Buffer.from('one')), frameMessage(Buffer.alloc(0)), frameMessage(Buffer.from('three'))]);
    expect(unframeMessages(body).map((message) => message.toString())).toEqual(['one', '', 'three']);
  });

  it('refuses truncated and compressed frames', () => {
    expect(() => unframeMessages(Buffer.from([0, 0, 0]))).toThrow(/truncated gRPC frame/);
    expect(() => unframeMessages(Buffer.from([0, 0, 0, 0, 4, 1]))).toThrow(/4 byte\(s\) announced, 1 received/);
    expect(() => unframeMessages(Buffer.from([1, 0, 0, 0, 0]))).toThrow(/compressed/);
  });

  it('decodes percent-encoded grpc-message values', () => {
    expect(decodeGrpcMessage('Namespace%20nope%20is%20not%20found.')).toBe('Namespace nope is not found.');
    expect(decodeGrpcMessage('100%')).toBe('100%');
    expect(decodeGrpcMessage(undefined)).toBe('');
  });
});

describe('one unary call over node:http2', () => {
  let server: http2.Http2Server;
  let address: string;
  const seen: http2.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = http2.createServer();
    server.on('stream', (stream, headers) => {
      seen.push(headers);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const [request] = unframeMessages(Buffer.concat(chunks));
        const path = headers[':path'];
        if (path === '/test.Echo/Reverse') {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          stream.end(frameMessage(Buffer.from([...(request ?? [])].reverse())));
        } else if (path === '/test.Echo/Refuse') {
          // Trailers-only: the status arrives in the one HEADERS frame.
          stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '6', 'grpc-message': 'already%20there', 'grpc-status-details-bin': Buffer.from([1, 2, 3]).toString('base64') }, { endStream: true });
        } else {
          stream.respond({ ':status': 404, 'content-type': 'text/plain' });
          stream.end('not here');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a framed request with gRPC headers and metadata, and returns the one reply message', async () => {
    const reply = await callUnary({ address, path: '/test.Echo/Reverse', request: Buffer.from('abc'), metadata: { 'client-name': 'weir-test' }, timeoutMs: 5000 });
    expect(reply.toString()).toBe('cba');
    expect(seen.at(-1)).toMatchObject({ ':method': 'POST', ':path': '/test.Echo/Reverse', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '5000m', 'client-name': 'weir-test' });
  });

  it('turns a non-OK status into a GrpcStatusError with its message and details', async () => {
    const call = callUnary({ address, path: '/test.Echo/Refuse', request: Buffer.from('x'), timeoutMs: 5000 });
    await expect(call).rejects.toBeInstanceOf(GrpcStatusError);
    await expect(call).rejects.toMatchObject({ code: 6, details: 'already there', statusDetails: Buffer.from([1, 2, 3]) });
  });

  it('says so when the server does not speak gRPC', async () => {
    await expect(callUnary({ address, path: '/nothing', request: Buffer.from('x'), timeoutMs: 5000 })).rejects.toThrow(/without a gRPC status \(HTTP 404\)/);
  });

  it('reports a refused connection as a transport error whose request was never sent', async () => {
    const closed = http2.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const call = callUnary({ address: `127.0.0.1:${port}`, path: '/test.Echo/Reverse', request: Buffer.from('x'), timeoutMs: 5000 });
    await expect(call).rejects.toBeInstanceOf(GrpcTransportError);
    await expect(call).rejects.toMatchObject({ requestNotSent: true, message: expect.stringMatching(/ECONNREFUSED/) });
  });
});
