import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec.ts';
import { keyringFromEnv } from './keys.ts';

type Env = Record<string, string | undefined>;

/** The encryption codec configured by WEIR_PAYLOAD_KEY, or null when encryption is off. */
export function codecFromEnv(env: Env): AesGcmCodec | null {
  const keyring = keyringFromEnv(env);
  return keyring ? new AesGcmCodec(keyring.current, keyring.previous) : null;
}

/**
 * What Client and Worker take as `dataConverter`: payload encryption when WEIR_PAYLOAD_KEY is
 * set, else undefined (Temporal's default). Codecs run outside the workflow sandbox, so the
 * workflow bundle needs no change.
 *
 * @example
 * new Client({ connection, dataConverter: dataConverterFromEnv(process.env) });
 */
export function dataConverterFromEnv(env: Env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
