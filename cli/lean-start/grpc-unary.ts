import http2 from 'node:http2';

/**
 * One unary gRPC call over Node's own HTTP/2, for the one request `weir trigger` must send
 * before anything else (starting a run): no grpc-js, whose load alone costs more than the call.
 * Plain-text HTTP/2 only; TLS and API keys go through the Temporal client (see lean-start.ts).
 */

/** gRPC status codes this module names (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GRPC_STATUS = { OK: 0, NOT_FOUND: 5, ALREADY_EXISTS: 6, UNAVAILABLE: 14 } as const;

/** The server answered with a gRPC status other than OK. */
export class GrpcStatusError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    /** The `grpc-status-details-bin` trailer: a serialized google.rpc.Status, when the server sent one. */
    readonly statusDetails: Buffer | null,
  ) {
    super(`${method} failed with gRPC status ${code}: ${details}`);
    this.name = 'GrpcStatusError';
  }
}

/** The call never got an answer: no connection, a reset stream, or a reply that is not gRPC. */
export class GrpcTransportError extends Error {
  constructor(
    readonly address: string,
    message: string,
    /** True when the connection was never made, so the server cannot have seen the request. */
    readonly requestNotSent: boolean,
  ) {
    super(message);
    this.name = 'GrpcTransportError';
  }
}

/** A length-prefixed gRPC message: one byte "not compressed", four bytes big-endian length, the bytes. */
export function frameMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** The messages in a response body; a unary response has exactly one. */
export function unframeMessages(body: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) throw new Error(`truncated gRPC frame: ${body.length - offset} byte(s) left of a 5-byte prefix`);
    if (body.readUInt8(offset) !== 0) throw new Error('compressed gRPC messages are not supported (no grpc-encoding was offered)');
    const length = body.readUInt32BE(offset + 1);
    if (body.length - offset - 5 < length) throw new Error(`truncated gRPC message: ${length} byte(s) announced, ${body.length - offset - 5} received`);
    messages.push(body.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  return messages;
}

/** grpc-message is percent-encoded (the spec's "Percent-Encoded" rule). */
export function decodeGrpcMessage(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface UnaryCall {
  /** host:port of the gRPC server. */
  address: string;
  /** `/package.Service/Method`. */
  path: string;
  request: Uint8Array;
  /** Extra request headers (gRPC metadata). */
  metadata?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Sends one request and resolves with the one response message, or rejects with a
 * GrpcStatusError (the server said no) or a GrpcTransportError (no answer).
 */
export function callUnary(call: UnaryCall): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let connected = false;
    let settled = false;
    const session = http2.connect(`http://${call.address}`);
    const finish = (error: Error | null, message?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.close();
      if (error) {
        session.destroy();
        reject(error);
      } else resolve(message as Buffer);
    };
    const timer = setTimeout(() => finish(new GrpcTransportError(call.address, `no answer from ${call.address} within ${call.timeoutMs} ms`, !connected)), call.timeoutMs);
    session.once('connect', () => (connected = true));
    session.once('error', (error: Error) => finish(new GrpcTransportError(call.address, error.message, !connected)));

    const stream = session.request({
      ':method': 'POST',
      ':path': call.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${call.timeoutMs}m`,
      ...call.metadata,
    });
    const chunks: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | null = null;
    stream.on('response', (received) => (headers = received));
    stream.on('trailers', (received) => (trailers = received));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A stream cancelled because the connection failed says so in its cause: report the cause.
    stream.once('error', (error: Error) => finish(new GrpcTransportError(call.address, error.cause instanceof Error ? error.cause.message : error.message, !connected)));
    stream.once('end', () => {
      // A "trailers-only" reply (an error before any message) carries its status in the headers.
      const status = trailers ?? headers;
      const httpStatus = headers[':status'];
      if (status['grpc-status'] === undefined) {
        finish(new GrpcTransportError(call.address, `${call.address} answered ${call.path} without a gRPC status (HTTP ${httpStatus ?? 'no status'}); is it a Temporal frontend?`, false));
        return;
      }
      const code = Number(status['grpc-status']);
      if (code !== GRPC_STATUS.OK) {
        const detailsBin = status['grpc-status-details-bin'];
        finish(new GrpcStatusError(call.path, code, decodeGrpcMessage(status['grpc-message'] as string | undefined), typeof detailsBin === 'string' ? Buffer.from(detailsBin, 'base64') : null));
        return;
      }
      try {
        const messages = unframeMessages(Buffer.concat(chunks));
        if (messages.length !== 1) throw new Error(`expected one response message, got ${messages.length}`);
        finish(null, messages[0]);
      } catch (error) {
        finish(new GrpcTransportError(call.address, (error as Error).message, false));
      }
    });
    stream.end(frameMessage(call.request));
  });
}
