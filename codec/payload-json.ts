import type { Payload } from '@temporalio/common';

/** A Payload in proto3 JSON, as the Web UI and CLI send it to a codec server: bytes are base64. */
export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
}

export class PayloadJsonError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'PayloadJsonError';
  }
}

// proto3 JSON parsers accept both alphabets, with or without padding.
const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytesFromBase64(text: unknown, field: string): Buffer {
  if (typeof text !== 'string' || !BASE64_ANY.test(text)) throw new PayloadJsonError(field, 'must be a base64 string');
  return Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
}

/** Reads the body of /encode and /decode: `{ "payloads": [ { "metadata": {...}, "data": "..." } ] }`. */
export function payloadsFromJson(body: unknown): Payload[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { payloads?: unknown }).payloads)) {
    throw new PayloadJsonError('payloads', 'the body must be a JSON object with a "payloads" array');
  }
  return (body as { payloads: unknown[] }).payloads.map((item, index) => {
    const field = `payloads[${index}]`;
    if (typeof item !== 'object' || item === null) throw new PayloadJsonError(field, 'must be an object');
    const { metadata, data } = item as { metadata?: unknown; data?: unknown };
    if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
      throw new PayloadJsonError(`${field}.metadata`, 'must be an object of base64 strings');
    }
    const decodedMetadata: Record<string, Uint8Array> = {};
    for (const [key, value] of Object.entries((metadata ?? {}) as Record<string, unknown>)) {
      decodedMetadata[key] = bytesFromBase64(value, `${field}.metadata.${key}`);
    }
    return { metadata: decodedMetadata, data: data === undefined || data === null ? new Uint8Array() : bytesFromBase64(data, `${field}.data`) };
  });
}

export function payloadsToJson(payloads: readonly Payload[]): { payloads: PayloadJson[] } {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}
