export type { DataConverter } from '@temporalio/common';
export { AesGcmCodec, CIPHER_METADATA, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, isEncrypted } from './aes-gcm-codec.ts';
export { DEFAULT_UI_ORIGINS, startCodecServer, type CodecServer, type CodecServerOptions } from './codec-server.ts';
export { codecFromEnv, dataConverterFromEnv } from './data-converter.ts';
export { KEY_ID_VARIABLE, KEY_VARIABLE, PREVIOUS_KEYS_VARIABLE, PayloadKeyError, keyringFromEnv, type PayloadKey } from './keys.ts';
export { payloadsFromJson, payloadsToJson, type PayloadJson } from './payload-json.ts';
