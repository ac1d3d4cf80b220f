import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './respond.ts';
import { checkExposure, isLoopbackHost, sameSecret, UiAuthSettingsError, UiExposureError } from './security.ts';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]', 'LOCALHOST'])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(['0.0.0.0', '::', '192.168.1.4', 'localhost.attacker.example', '127.0.0.1.nip.io', ''])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('checkExposure', () => {
  it('lets a loopback address listen without auth', () => {
    expect(() => checkExposure('127.0.0.1', { actor: 'me' })).not.toThrow();
  });

  it('refuses any other address without a token or proxy header, naming both options', () => {
    expect(() => checkExposure('0.0.0.0', { actor: 'me' })).toThrow(UiExposureError);
    expect(() => checkExposure('10.0.0.5', { actor: 'me' })).toThrow('refusing to listen on 10.0.0.5 without authentication: pass --auth-token');
  });

  it('accepts either form of auth for an exposed address', () => {
    expect(() => checkExposure('0.0.0.0', { actor: 'me', token: 'a-long-enough-token-1234' })).not.toThrow();
    expect(() => checkExposure('0.0.0.0', { actor: 'me', proxyHeader: 'X-Forwarded-User' })).not.toThrow();
  });

  it('refuses a short token and a header name with spaces, even on loopback', () => {
    expect(() => checkExposure('127.0.0.1', { actor: 'me', token: 'secret' })).toThrow(UiAuthSettingsError);
    expect(() => checkExposure('127.0.0.1', { actor: 'me', proxyHeader: 'X User' })).toThrow('--auth-proxy-header: "X User" is not a header name');
  });
});

describe('sameSecret', () => {
  it('compares whole values of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });
});

describe('safeReturnPath', () => {
  it('keeps paths on this site and replaces anything else', () => {
    expect(safeReturnPath('/models/churn', '/')).toBe('/models/churn');
    for (const bad of ['//attacker.example/', 'https://attacker.example/', '/\\attacker.example', 'models', undefined]) expect(safeReturnPath(bad, '/')).toBe('/');
  });
});
