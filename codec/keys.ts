/** One AES-256 key and the id written next to every payload it encrypts. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

type Env = Record<string, string | undefined>;

export const KEY_VARIABLE = 'WEIR_PAYLOAD_KEY';
export const KEY_ID_VARIABLE = 'WEIR_PAYLOAD_KEY_ID';
export const PREVIOUS_KEYS_VARIABLE = 'WEIR_PAYLOAD_PREVIOUS_KEYS';
export const DEFAULT_KEY_ID = 'default';

const KEY_BYTES = 32;
// Buffer.from(text, 'base64') skips characters it does not know; a typo must not shorten a key silently.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

export class PayloadKeyError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'PayloadKeyError';
  }
}

/** Decodes a base64 key of exactly 32 bytes; `variable` names the setting in the error. */
export function parseKeyMaterial(text: string, variable: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new PayloadKeyError(variable, `is not base64 of ${KEY_BYTES} bytes; ${GENERATE_HINT}`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new PayloadKeyError(variable, `decodes to ${key.length} bytes, but AES-256 needs ${KEY_BYTES}; ${GENERATE_HINT}`);
  }
  return key;
}

export function parseKeyId(text: string, variable: string): string {
  if (!KEY_ID.test(text)) throw new PayloadKeyError(variable, `"${text}" is not a key id; use 1-64 letters, digits, ".", "_" or "-"`);
  return text;
}

/**
 * The current key and the retired ones that may still be needed to read old histories, or
 * null when encryption is off (`WEIR_PAYLOAD_KEY` unset).
 *
 * @example
 * WEIR_PAYLOAD_KEY=$(openssl rand -base64 32) WEIR_PAYLOAD_KEY_ID=2026-06
 * WEIR_PAYLOAD_PREVIOUS_KEYS=2026-01=<old base64 key>
 */
export function keyringFromEnv(env: Env): { current: PayloadKey; previous: PayloadKey[] } | null {
  const material = env[KEY_VARIABLE];
  if (material === undefined || material.trim() === '') return null;
  const current = { id: parseKeyId(env[KEY_ID_VARIABLE] || DEFAULT_KEY_ID, KEY_ID_VARIABLE), key: parseKeyMaterial(material, KEY_VARIABLE) };
  return { current, previous: parsePreviousKeys(env[PREVIOUS_KEYS_VARIABLE] ?? '') };
}

/** `id=base64,id2=base64`: keys that decrypt but never encrypt. */
function parsePreviousKeys(text: string): PayloadKey[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return entries.map((entry, index) => {
    const separator = entry.indexOf('=');
    // Never echo the entry: it may be key material.
    if (separator <= 0) throw new PayloadKeyError(PREVIOUS_KEYS_VARIABLE, `entry ${index + 1} is not id=base64key (entries are comma-separated)`);
    const id = parseKeyId(entry.slice(0, separator), PREVIOUS_KEYS_VARIABLE);
    return { id, key: parseKeyMaterial(entry.slice(separator + 1), `${PREVIOUS_KEYS_VARIABLE} (key "${id}")`) };
  });
}
