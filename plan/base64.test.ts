import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, InvalidBase64Error } from './base64.ts';

describe('base64', () => {
  it('encodes and decodes as Buffer does, for every padding', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 31) % 256);
      const expected = Buffer.from(bytes).toString('base64');
      expect(encodeBase64(bytes)).toBe(expected);
      expect([...decodeBase64(expected)]).toEqual([...bytes]);
    }
  });

  it('encodes long input in one piece', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 131) % 256);
    expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('refuses text that is not base64, naming where', () => {
    expect(() => decodeBase64('abc')).toThrow(InvalidBase64Error);
    expect(() => decodeBase64('ab$d')).toThrow('invalid base64 at character 2');
    expect(() => decodeBase64('a=bc')).toThrow('invalid base64 at character 1');
  });
});
