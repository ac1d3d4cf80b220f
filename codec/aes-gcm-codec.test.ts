import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, isEncrypted } from './aes-gcm-codec.ts';

const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };
const text = (bytes: Uint8Array | undefined | null) => Buffer.from(bytes ?? []).toString('utf8');
const secretPayload = () => defaultPayloadConverter.toPayload({ apiToken: 'sk-live-very-secret', rows: [1, 2, 3] });

async function encryptOne(codec: AesGcmCodec, payload: Payload = secretPayload()): Promise<Payload> {
  const [encrypted] = await codec.encode([payload]);
  return encrypted!;
}

function withFlippedByte(payload: Payload, index: number): Payload {
  const data = Buffer.from(payload.data!);
  const at = index < 0 ? data.length + index : index;
  data[at] = data[at]! ^ 0x01;
  return { ...payload, data };
}

describe('AesGcmCodec', () => {
  it('round-trips payloads, and the encrypted form shows neither the data nor its encoding', async () => {
    const codec = new AesGcmCodec(keyA);
    const original = secretPayload();
    const encrypted = await encryptOne(codec, original);
    expect(text(encrypted.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted.metadata?.[KEY_ID_METADATA])).toBe('key-a');
    expect(text(encrypted.data)).not.toContain('sk-live-very-secret');
    expect(text(encrypted.data)).not.toContain('json/plain');
    const [decoded] = await codec.decode([encrypted]);
    expect(text(decoded!.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ apiToken: 'sk-live-very-secret', rows: [1, 2, 3] });
  });

  it('round-trips empty and binary payloads and keeps the order of many', async () => {
    const codec = new AesGcmCodec(keyA);
    const payloads = [defaultPayloadConverter.toPayload(undefined), defaultPayloadConverter.toPayload(null), defaultPayloadConverter.toPayload(new Uint8Array([0, 255, 7])), secretPayload()];
    const decoded = await codec.decode(await codec.encode(payloads));
    expect(decoded.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([undefined, null, new Uint8Array([0, 255, 7]), { apiToken: 'sk-live-very-secret', rows: [1, 2, 3] }]);
    expect(await codec.encode([])).toEqual([]);
  });

  it('uses a fresh IV for every payload, so equal inputs give different ciphertexts', async () => {
    const codec = new AesGcmCodec(keyA);
    const [first, second] = await codec.encode([secretPayload(), secretPayload()]);
    expect(Buffer.from(first!.data!).subarray(0, 12).equals(Buffer.from(second!.data!).subarray(0, 12))).toBe(false);
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
  });

  it.each([
    ['the IV', 0],
    ['the ciphertext', 20],
    ['the auth tag', -1],
  ])('rejects a payload with a flipped byte in %s', async (_part, index) => {
    const codec = new AesGcmCodec(keyA);
    const tampered = withFlippedByte(await encryptOne(codec), index);
    const decoding = codec.decode([tampered]);
    await expect(decoding).rejects.toBeInstanceOf(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow('encrypted payload (key "key-a") failed authentication: it was altered');
  });

  it('rejects a payload relabelled with another key id it also knows', async () => {
    const codec = new AesGcmCodec(keyA, [{ id: 'key-b', key: keyA.key }]);
    const encrypted = await encryptOne(codec);
    const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('key-b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow('failed authentication');
  });

  it('names an unknown key id and the keys it does have', async () => {
    const encrypted = await encryptOne(new AesGcmCodec(keyA));
    const error = await new AesGcmCodec(keyB).decode([encrypted]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as PayloadDecryptionError).keyId).toBe('key-a');
    expect((error as Error).message).toMatch(/encrypted with key "key-a", which this process does not have \(it has: key-b\).*WEIR_PAYLOAD_PREVIOUS_KEYS/);
  });

  it('decodes payloads of a retired key after rotation, and encrypts only with the current one', async () => {
    const old = await encryptOne(new AesGcmCodec(keyA));
    const rotated = new AesGcmCodec(keyB, [keyA]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0]!)).toMatchObject({ apiToken: 'sk-live-very-secret' });
    expect(text((await encryptOne(rotated)).metadata?.[KEY_ID_METADATA])).toBe('key-b');
  });

  it('passes through payloads it did not encrypt, untouched', async () => {
    const codec = new AesGcmCodec(keyA);
    const plain = secretPayload();
    const encrypted = await encryptOne(codec);
    const decoded = await codec.decode([plain, encrypted]);
    expect(decoded[0]).toBe(plain);
    expect(isEncrypted(plain)).toBe(false);
    expect(isEncrypted(encrypted)).toBe(true);
  });

  it('rejects an encrypted payload without a key id, or too short to hold an IV and tag', async () => {
    const codec = new AesGcmCodec(keyA);
    const encrypted = await encryptOne(codec);
    await expect(codec.decode([{ metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) }, data: encrypted.data! }])).rejects.toThrow(`no "${KEY_ID_METADATA}" metadata`);
    await expect(codec.decode([{ ...encrypted, data: Buffer.from(encrypted.data!).subarray(0, 20) }])).rejects.toThrow('is truncated: 20 bytes');
  });
});
