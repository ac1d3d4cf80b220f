import { describe, expect, it } from 'vitest';
import { PayloadKeyError } from '../../codec/keys.ts';
import { leanStartFallbackReason } from './lean-start.ts';

const plain = { address: '127.0.0.1:7233', namespace: 'default' };
const key = Buffer.alloc(32, 7).toString('base64');

describe('when the lean start path hands over to the Temporal client', () => {
  it('takes a plain-text address and namespace itself', () => {
    expect(leanStartFallbackReason(plain, {})).toBeNull();
    expect(leanStartFallbackReason({ ...plain, namespace: 'other' }, { TEMPORAL_NAMESPACE: 'other' })).toBeNull();
  });

  it('hands TLS, mTLS and API keys to the client', () => {
    expect(leanStartFallbackReason({ ...plain, tls: true }, {})).toBe('TLS is configured');
    expect(leanStartFallbackReason({ ...plain, tls: { clientCertPair: { crt: Buffer.from('c'), key: Buffer.from('k') } } }, {})).toBe('TLS is configured');
    expect(leanStartFallbackReason({ ...plain, apiKey: 'secret' }, {})).toBe('an API key is configured');
  });

  it('hands payload encryption to the client, whose codec encrypts the params', () => {
    expect(leanStartFallbackReason(plain, { WEIR_PAYLOAD_KEY: key })).toMatch(/payload encryption/);
  });

  it('refuses a malformed payload key as the client path would', () => {
    expect(() => leanStartFallbackReason(plain, { WEIR_PAYLOAD_KEY: 'short' })).toThrow(PayloadKeyError);
  });
});
