import { ENCRYPTED_ENCODING } from '../codec/index.ts';

/** What the panel says in place of an output or params this server cannot (and must not) read. */
export const ENCRYPTED_PAYLOAD_NOTICE = `encrypted (${ENCRYPTED_ENCODING}): this web server has no payload key; set WEIR_PAYLOAD_KEY where it runs to see the value`;
