/**
 * Payloads as Temporal's default payload converter writes JSON values, for the lean path that
 * sends and reads them without the Temporal client: `json/plain`, and `binary/null` for undefined.
 */
export interface Payload {
  metadata?: Record<string, Uint8Array>;
  data?: Uint8Array;
}

const utf8Encoder = new TextEncoder();

/** A value as Temporal's default payload converter writes a JSON value: `json/plain`. */
export function jsonPayload(value: unknown): { metadata: Record<string, Uint8Array>; data: Uint8Array } {
  return { metadata: { encoding: utf8Encoder.encode('json/plain') }, data: utf8Encoder.encode(JSON.stringify(value)) };
}

/** A payload the lean path cannot read (not plain JSON): the caller hands over to the Temporal client. */
export class UnreadablePayloadError extends Error {
  constructor(encoding: string) {
    super(`a payload encoded as ${encoding || 'nothing'} is not plain JSON`);
    this.name = 'UnreadablePayloadError';
  }
}

const utf8Decoder = new TextDecoder();

/** A value from a payload Temporal's default converter wrote: `json/plain`, or `binary/null` for undefined. */
export function jsonPayloadValue(payload: Payload | undefined): unknown {
  if (!payload) return undefined;
  const encoding = payload.metadata?.encoding ? utf8Decoder.decode(payload.metadata.encoding) : '';
  if (encoding === 'binary/null') return undefined;
  if (encoding !== 'json/plain') throw new UnreadablePayloadError(encoding);
  return JSON.parse(utf8Decoder.decode(payload.data ?? new Uint8Array()));
}
