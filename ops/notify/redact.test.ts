import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactText, redactUrlPasswords, Secret } from './redact.ts';

describe('redactUrlPasswords', () => {
  it.each([
    ['smtp://ops:hunter2@mail.example.com:587', 'smtp://ops:***@mail.example.com:587'],
    ['smtps://ops:hunter2@mail.example.com', 'smtps://ops:***@mail.example.com'],
    ['postgres://weir:pg-secret@db:5432/weir?ssl=true', 'postgres://weir:***@db:5432/weir?ssl=true'],
    // An unencoded @ in the password: the host starts after the last @, as URL parsing has it.
    ['smtp://ops:p@ss@mail.example.com', 'smtp://ops:***@mail.example.com'],
    ['smtp://ops:p%40ss%2Fw@mail.example.com', 'smtp://ops:***@mail.example.com'],
    ['smtp://:only-password@mail.example.com', 'smtp://:***@mail.example.com'],
  ])('hides the password in %s', (input, expected) => {
    expect(redactUrlPasswords(input)).toBe(expected);
  });

  it('leaves URLs without a password alone', () => {
    for (const url of ['smtp://mail.example.com:25', 'smtp://apikey@mail.example.com', 'http://localhost:8233/namespaces/default']) {
      expect(redactUrlPasswords(url)).toBe(url);
    }
  });

  it('hides every URL in a longer text, and keeps the rest', () => {
    const text = 'connect to smtp://a:one@x:25 failed, then postgres://b:two@y/db failed too';
    expect(redactUrlPasswords(text)).toBe('connect to smtp://a:***@x:25 failed, then postgres://b:***@y/db failed too');
  });
});

describe('Secret', () => {
  const secret = new Secret('hunter2');

  it('prints as *** through every accidental path', () => {
    expect(String(secret)).toBe('***');
    expect(`${secret}`).toBe('***');
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}');
    expect(inspect({ secret }, { depth: 5, showHidden: true })).not.toContain('hunter2');
  });

  it('gives the value back only when asked', () => {
    expect(secret.reveal()).toBe('hunter2');
  });
});

describe('redactText', () => {
  it('removes the secret as typed, URL-encoded and base64-encoded', () => {
    const secret = new Secret('p@ss word');
    const text = `raw p@ss word, url ${encodeURIComponent('p@ss word')}, b64 ${Buffer.from('p@ss word').toString('base64')}`;
    const redacted = redactText(text, [secret]);
    expect(redacted).toBe('raw ***, url ***, b64 ***');
  });

  it('also hides URL passwords it was not told about', () => {
    expect(redactText('see smtp://u:other@host', [new Secret('hunter2')])).toBe('see smtp://u:***@host');
  });

  it('ignores an empty secret instead of mangling the text', () => {
    expect(redactText('nothing to hide', [new Secret('')])).toBe('nothing to hide');
  });
});
