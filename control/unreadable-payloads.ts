import { KEY_VARIABLE, PREVIOUS_KEYS_VARIABLE } from '../codec/keys.ts';

/*
 * What `weir` says about a payload it cannot decrypt. Kept free of Temporal's and the codec's
 * modules (errors are told apart by name), so the CLI's error line can use it at no start-up cost.
 */

/** Why a payload could not be read: this process has no key, or its keys do not open it. */
export type UnreadableReason = 'no-key' | 'wrong-key';

export interface UnreadablePayload {
  reason: UnreadableReason;
  /** The key id the payload was sealed with, when it says. */
  keyId: string | null;
}

/** What `weir` prints in place of a value it cannot decrypt. */
export const ENCRYPTED_NOTICE = `encrypted: set ${KEY_VARIABLE} to read`;

/** One line naming the variable to set, never the payload itself. */
export function unreadableNotice(unreadable: UnreadablePayload): string {
  if (unreadable.reason === 'no-key') return ENCRYPTED_NOTICE;
  const key = unreadable.keyId === null ? '' : ` (sealed with key "${unreadable.keyId}")`;
  return `encrypted${key}, and ${KEY_VARIABLE} does not decrypt it: set the key the workers use, or add the old one to ${PREVIOUS_KEYS_VARIABLE}`;
}

/**
 * Why an error is a payload this process could not decrypt: the wrong key (the codec's
 * `PayloadDecryptionError`), or none at all (Temporal's converter meets `binary/encrypted`).
 */
export function unreadableError(error: unknown): UnreadablePayload | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current.name === 'PayloadDecryptionError') {
      const keyId = (current as { keyId?: unknown }).keyId;
      return { reason: 'wrong-key', keyId: typeof keyId === 'string' ? keyId : null };
    }
    if (current.name === 'ValueError' && current.message.includes('binary/encrypted')) return { reason: 'no-key', keyId: null };
  }
  return null;
}
