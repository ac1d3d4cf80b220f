import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec } from './aes-gcm-codec.ts';
import { codecFromEnv, dataConverterFromEnv } from './data-converter.ts';
import { PayloadKeyError, keyringFromEnv } from './keys.ts';

const goodKey = randomBytes(32).toString('base64');

function keyError(run: () => unknown): PayloadKeyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadKeyError);
    return error as PayloadKeyError;
  }
  throw new Error('expected a PayloadKeyError');
}

describe('keyringFromEnv', () => {
  it('is off when WEIR_PAYLOAD_KEY is unset or blank', () => {
    expect(keyringFromEnv({})).toBeNull();
    expect(keyringFromEnv({ WEIR_PAYLOAD_KEY: '  ', WEIR_PAYLOAD_KEY_ID: 'k1' })).toBeNull();
  });

  it('reads the key, with the id "default" unless WEIR_PAYLOAD_KEY_ID says otherwise', () => {
    const keyring = keyringFromEnv({ WEIR_PAYLOAD_KEY: `${goodKey}\n` })!;
    expect(keyring.current.id).toBe('default');
    expect(keyring.current.key.equals(Buffer.from(goodKey, 'base64'))).toBe(true);
    expect(keyring.previous).toEqual([]);
    expect(keyringFromEnv({ WEIR_PAYLOAD_KEY: goodKey, WEIR_PAYLOAD_KEY_ID: '2026-06' })!.current.id).toBe('2026-06');
  });

  it.each([
    ['not base64', 'this is not base64!', /WEIR_PAYLOAD_KEY: is not base64 of 32 bytes; generate one with `openssl rand -base64 32`/],
    ['16 bytes', randomBytes(16).toString('base64'), /WEIR_PAYLOAD_KEY: decodes to 16 bytes, but AES-256 needs 32/],
    ['64 bytes', randomBytes(64).toString('base64'), /decodes to 64 bytes/],
    ['bad padding', goodKey.slice(0, -1), /is not base64/],
  ])('names WEIR_PAYLOAD_KEY when the key is %s', (_case, value, message) => {
    const error = keyError(() => keyringFromEnv({ WEIR_PAYLOAD_KEY: value }));
    expect(error.variable).toBe('WEIR_PAYLOAD_KEY');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(value);
  });

  it('names WEIR_PAYLOAD_KEY_ID when the id is unusable', () => {
    const error = keyError(() => keyringFromEnv({ WEIR_PAYLOAD_KEY: goodKey, WEIR_PAYLOAD_KEY_ID: 'has space' }));
    expect(error.message).toBe('WEIR_PAYLOAD_KEY_ID: "has space" is not a key id; use 1-64 letters, digits, ".", "_" or "-"');
  });

  it('reads retired keys from WEIR_PAYLOAD_PREVIOUS_KEYS as id=base64 pairs', () => {
    const old1 = randomBytes(32).toString('base64');
    const old2 = randomBytes(32).toString('base64');
    const keyring = keyringFromEnv({ WEIR_PAYLOAD_KEY: goodKey, WEIR_PAYLOAD_PREVIOUS_KEYS: `2025-12=${old1}, 2026-01=${old2}` })!;
    expect(keyring.previous.map((key) => key.id)).toEqual(['2025-12', '2026-01']);
    expect(keyring.previous[1]!.key.equals(Buffer.from(old2, 'base64'))).toBe(true);
  });

  it('rejects malformed retired keys without echoing them', () => {
    const missingId = keyError(() => keyringFromEnv({ WEIR_PAYLOAD_KEY: goodKey, WEIR_PAYLOAD_PREVIOUS_KEYS: goodKey.replace(/=+$/, '') }));
    expect(missingId.message).toBe('WEIR_PAYLOAD_PREVIOUS_KEYS: entry 1 is not id=base64key (entries are comma-separated)');
    const shortKey = keyError(() => keyringFromEnv({ WEIR_PAYLOAD_KEY: goodKey, WEIR_PAYLOAD_PREVIOUS_KEYS: `old=${randomBytes(8).toString('base64')}` }));
    expect(shortKey.message).toMatch(/^WEIR_PAYLOAD_PREVIOUS_KEYS \(key "old"\): decodes to 8 bytes/);
  });
});

describe('dataConverterFromEnv', () => {
  it('is undefined when encryption is off, so Temporal keeps its default converter', () => {
    expect(dataConverterFromEnv({})).toBeUndefined();
    expect(codecFromEnv({})).toBeNull();
  });

  it('gives one AES-GCM codec when the key is set', () => {
    const converter = dataConverterFromEnv({ WEIR_PAYLOAD_KEY: goodKey, WEIR_PAYLOAD_KEY_ID: 'k7' });
    expect(converter?.payloadCodecs).toHaveLength(1);
    expect(converter?.payloadCodecs?.[0]).toBeInstanceOf(AesGcmCodec);
    expect((converter?.payloadCodecs?.[0] as AesGcmCodec).keyId).toBe('k7');
    expect(converter?.payloadConverterPath).toBeUndefined();
  });

  it('throws the key error rather than silently running unencrypted', () => {
    expect(() => dataConverterFromEnv({ WEIR_PAYLOAD_KEY: 'short' })).toThrow(PayloadKeyError);
  });
});
