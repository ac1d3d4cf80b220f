import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter, ValueError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, PayloadDecryptionError } from '../codec/aes-gcm-codec.ts';
import { ENCRYPTED_NOTICE, markingUnreadablePayloads, unreadableError, unreadableIn, unreadableNotice, unreadableValue } from './encrypted-memo.ts';
import { temporalClient } from './temporal-sdk.ts';

const sealing = new AesGcmCodec({ id: 'k1', key: randomBytes(32) });
const wrong = new AesGcmCodec({ id: 'k1', key: randomBytes(32) });
const other = new AesGcmCodec({ id: 'k2', key: randomBytes(32) });

async function sealed(value: unknown): Promise<Payload> {
  const [payload] = await sealing.encode([defaultPayloadConverter.toPayload(value)]);
  return payload!;
}

/** The codec a marking client decodes with, built over the given codecs. */
function markingCodecOver(...codecs: AesGcmCodec[]) {
  // A client connects lazily: building one with a connection never used opens nothing.
  const connection = temporalClient.Connection.lazy({ address: '127.0.0.1:1' });
  const client = new temporalClient.Client({ connection, dataConverter: { payloadCodecs: codecs } });
  return markingUnreadablePayloads(client).options.loadedDataConverter.payloadCodecs[0]!;
}

async function decodeValue(payload: Payload, ...codecs: AesGcmCodec[]): Promise<unknown> {
  const [decoded] = await markingCodecOver(...codecs).decode([payload]);
  return defaultPayloadConverter.fromPayload(decoded!);
}

describe('markingUnreadablePayloads', () => {
  it('decodes what its keys open, unchanged', async () => {
    expect(await decodeValue(await sealed('2026-03-04T00:00:00.000Z'), sealing)).toBe('2026-03-04T00:00:00.000Z');
  });

  it('passes plain payloads through', async () => {
    expect(await decodeValue(defaultPayloadConverter.toPayload({ a: 1 }))).toEqual({ a: 1 });
  });

  it('marks a sealed payload as needing a key when the process has none', async () => {
    const value = await decodeValue(await sealed('secret'));
    expect(unreadableValue(value)).toEqual({ reason: 'no-key', keyId: 'k1' });
    expect(JSON.stringify(value)).not.toContain('secret');
  });

  it('marks a payload its key does not open as a wrong key', async () => {
    expect(unreadableValue(await decodeValue(await sealed('secret'), wrong))).toEqual({ reason: 'wrong-key', keyId: 'k1' });
    expect(unreadableValue(await decodeValue(await sealed('secret'), other))).toEqual({ reason: 'wrong-key', keyId: 'k1' });
  });

  it('refuses to encode: it is for reading only', async () => {
    await expect(markingCodecOver().encode([defaultPayloadConverter.toPayload(1)])).rejects.toThrow(/only reads/);
  });
});

describe('unreadableIn', () => {
  it('finds a marked field of a memo, and nothing in a readable one', async () => {
    const marked = await decodeValue(await sealed('x'));
    expect(unreadableIn({ weirLogicalDate: marked, other: 'plain' })).toEqual({ reason: 'no-key', keyId: 'k1' });
    expect(unreadableIn({ weirLogicalDate: '2026-01-01' })).toBeNull();
    expect(unreadableIn(undefined)).toBeNull();
  });
});

describe('unreadableError', () => {
  it('tells a missing key from a wrong one, also as a cause', () => {
    expect(unreadableError(new ValueError('Unknown encoding: binary/encrypted'))).toEqual({ reason: 'no-key', keyId: null });
    const wrongKey = new PayloadDecryptionError('k1', 'failed authentication');
    expect(unreadableError(new Error('wrapped', { cause: wrongKey }))).toEqual({ reason: 'wrong-key', keyId: 'k1' });
  });

  it('leaves every other error alone', () => {
    expect(unreadableError(new ValueError('Unknown encoding: binary/protobuf'))).toBeNull();
    expect(unreadableError(new Error('connection refused'))).toBeNull();
    expect(unreadableError('text')).toBeNull();
  });
});

describe('unreadableNotice', () => {
  it('names the variable to set, in one line', () => {
    expect(unreadableNotice({ reason: 'no-key', keyId: 'k1' })).toBe(ENCRYPTED_NOTICE);
    expect(ENCRYPTED_NOTICE).toBe('encrypted: set WEIR_PAYLOAD_KEY to read');
    const wrongKey = unreadableNotice({ reason: 'wrong-key', keyId: 'k1' });
    expect(wrongKey).toMatch(/^encrypted \(sealed with key "k1"\), and WEIR_PAYLOAD_KEY does not decrypt it: .*WEIR_PAYLOAD_PREVIOUS_KEYS$/);
    expect(wrongKey).not.toContain('\n');
  });
});
