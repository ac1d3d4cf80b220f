import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// A default import: under plain Node ESM (the `weir` CLI, worker processes) this CommonJS
// package exposes no named exports, only vitest's loader makes `{ temporal }` work.
import proto from '@temporalio/proto';
import type { PayloadKey } from './keys.ts';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
export const CIPHER_NAME = 'AES-256-GCM';

const { temporal } = proto;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextDecoder();

export class PayloadDecryptionError extends Error {
  constructor(
    readonly keyId: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

/**
 * Encrypts every payload with AES-256-GCM before it leaves the process, so Temporal stores only
 * ciphertext. The whole original payload (metadata included) is sealed, so the server cannot
 * even see which converter produced it. Decoding passes through payloads it did not encrypt.
 *
 * @example
 * const codec = new AesGcmCodec({ id: '2026-06', key: randomBytes(32) });
 * const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
 */
export class AesGcmCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    private readonly current: PayloadKey,
    previous: readonly PayloadKey[] = [],
  ) {
    this.keys = new Map([...previous, current].map(({ id, key }) => [id, key]));
  }

  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // Binding the key id means a payload relabelled with another id fails authentication.
    cipher.setAAD(Buffer.from(id));
    const sealed = Buffer.concat([cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [CIPHER_METADATA]: Buffer.from(CIPHER_NAME),
        [KEY_ID_METADATA]: Buffer.from(id),
      },
      data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new PayloadDecryptionError(null, `encrypted payload has no "${KEY_ID_METADATA}" metadata, so no key can open it`);
    const keyId = utf8.decode(keyIdBytes);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        keyId,
        `payload was encrypted with key "${keyId}", which this process does not have (it has: ${[...this.keys.keys()].join(', ')}). ` +
          'Add the old key to WEIR_PAYLOAD_PREVIOUS_KEYS as id=base64key.',
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId, `encrypted payload (key "${keyId}") is truncated: ${data.length} bytes`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(keyId, `encrypted payload (key "${keyId}") failed authentication: it was altered, or key "${keyId}" is not the key it was encrypted with`);
    }
    const original = temporal.api.common.v1.Payload.decode(plaintext);
    return { metadata: { ...original.metadata }, data: original.data };
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && utf8.decode(encoding) === ENCRYPTED_ENCODING;
}
