import { describe, expect, it } from 'vitest';
import { SecretMask } from './secret-mask.ts';

describe('SecretMask', () => {
  const mask = new SecretMask(['tok-en/42+x', 'tok-en']);

  it('masks a secret as typed, percent-encoded, base64 and JSON-escaped, the longer one whole', () => {
    expect(mask.text('a tok-en/42+x b')).toBe('a *** b');
    expect(mask.text(`url?k=${encodeURIComponent('tok-en/42+x')}`)).toBe('url?k=***');
    expect(mask.text(`Basic ${Buffer.from('tok-en/42+x').toString('base64')}`)).toBe('Basic ***');
    expect(new SecretMask(['say "hi"']).text(JSON.stringify({ s: 'say "hi"' }))).toBe('{"s":"***"}');
  });

  it('masks every string and key of a JSON value and leaves the rest alone', () => {
    expect(mask.value({ echo: 'tok-en', list: [1, 'x tok-en', null], 'tok-en': true })).toEqual({ echo: '***', list: [1, 'x ***', null], '***': true });
  });

  it('masks an error message, its stack and its cause', () => {
    const error = new TypeError('bad tok-en', { cause: new Error('because tok-en') });
    const masked = mask.error(error);
    expect(masked.name).toBe('TypeError');
    expect(masked.message).toBe('bad ***');
    expect(masked.stack).not.toContain('tok-en');
    expect((masked.cause as Error).message).toBe('because ***');
  });

  it('masks each line of a multi-line secret, as a job prints it line by line', () => {
    const pem = new SecretMask(['-----BEGIN KEY-----\nMIIEv0gAbc/12+x\n-----END KEY-----']);
    expect(['-----BEGIN KEY-----', 'MIIEv0gAbc/12+x', '-----END KEY-----'].map((line) => pem.text(`job: ${line}`))).toEqual(['job: ***', 'job: ***', 'job: ***']);
    expect(pem.text('-----BEGIN KEY-----\nMIIEv0gAbc/12+x\n-----END KEY-----')).toBe('***');
  });

  it('ignores values too short to be told from ordinary words', () => {
    const short = new SecretMask(['ab', '']);
    expect(short.empty).toBe(true);
    expect(short.text('abc')).toBe('abc');
  });
});
