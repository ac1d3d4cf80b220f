import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isEncrypted, KEY_ID_METADATA, PayloadDecryptionError } from '../codec/aes-gcm-codec.ts';
import { temporalClient } from './temporal-sdk.ts';
import type { UnreadablePayload } from './unreadable-payloads.ts';

export { ENCRYPTED_NOTICE, unreadableError, unreadableNotice, type UnreadablePayload, type UnreadableReason } from './unreadable-payloads.ts';

/*
 * A process without the payload key (or with the wrong one) still reads a run's visibility
 * fields: id, type, status, times, search attributes. Only its payloads (memo, params, results)
 * are sealed. Temporal's client decodes the memo of every listed or described run and throws on
 * the first it cannot open, which would take the whole listing down; these helpers keep what is
 * readable and mark what is not.
 */

const MARKER_FIELD = '__weirUnreadablePayload';
const JSON_ENCODING = new TextEncoder().encode('json/plain');
const utf8 = new TextDecoder();

/**
 * Decodes with the client's own codecs, and turns each payload they cannot open into a small
 * JSON marker instead of an error. Never used to encode: a listing client starts nothing.
 */
class UnreadablePayloadMarker implements PayloadCodec {
  constructor(private readonly codecs: readonly PayloadCodec[]) {}

  async encode(): Promise<Payload[]> {
    throw new Error('a client that marks unreadable payloads only reads; start runs with the ordinary client');
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    let decoded = payload;
    try {
      // Codecs decode in the reverse of their encoding order, as Temporal's own decoding does.
      for (const codec of [...this.codecs].reverse()) [decoded] = (await codec.decode([decoded])) as [Payload];
    } catch (error) {
      if (error instanceof PayloadDecryptionError) return markerPayload({ reason: 'wrong-key', keyId: error.keyId });
      throw error;
    }
    return isEncrypted(decoded) ? markerPayload({ reason: 'no-key', keyId: keyIdOf(decoded) }) : decoded;
  }
}

function keyIdOf(payload: Payload): string | null {
  const bytes = payload.metadata?.[KEY_ID_METADATA];
  return bytes ? utf8.decode(bytes) : null;
}

function markerPayload(unreadable: UnreadablePayload): Payload {
  return { metadata: { encoding: JSON_ENCODING }, data: new TextEncoder().encode(JSON.stringify({ [MARKER_FIELD]: unreadable })) };
}

/**
 * A client on the same connection whose memos, results and query answers come back as
 * markers (see `unreadableIn`) where they cannot be decrypted, rather than failing the call.
 */
export function markingUnreadablePayloads(client: Client): Client {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  return new temporalClient.Client({ connection: client.connection, namespace: client.options.namespace, dataConverter: { payloadCodecs: [new UnreadablePayloadMarker(codecs)] } });
}

/** The marker a value decoded by `markingUnreadablePayloads` carries, or null for a readable value. */
export function unreadableValue(value: unknown): UnreadablePayload | null {
  if (typeof value !== 'object' || value === null || !(MARKER_FIELD in value)) return null;
  return (value as Record<typeof MARKER_FIELD, UnreadablePayload>)[MARKER_FIELD];
}

/** The first unreadable field of a memo, or null when every field decoded. */
export function unreadableIn(memo: Record<string, unknown> | undefined): UnreadablePayload | null {
  for (const value of Object.values(memo ?? {})) {
    const unreadable = unreadableValue(value);
    if (unreadable) return unreadable;
  }
  return null;
}
