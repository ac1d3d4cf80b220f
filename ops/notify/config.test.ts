import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../sdk/errors.ts';
import { describeTarget, mailConfigOf, parseSmtpUrl } from './config.ts';
import { MailConfigError } from './errors.ts';

describe('parseSmtpUrl', () => {
  it('reads host, port, TLS mode and credentials', () => {
    const target = parseSmtpUrl('smtp://ops%40example.com:s%3Acret@mail.example.com:2525');
    expect(target).toMatchObject({ kind: 'smtp', host: 'mail.example.com', port: 2525, secure: false, user: 'ops@example.com' });
    expect(target.password?.reveal()).toBe('s:cret');
  });

  it('defaults to the submission ports: 587 for smtp://, 465 for smtps://', () => {
    expect(parseSmtpUrl('smtp://mail.example.com').port).toBe(587);
    expect(parseSmtpUrl('smtps://mail.example.com')).toMatchObject({ port: 465, secure: true, user: undefined, password: undefined });
  });

  it('takes an IPv6 host without brackets', () => {
    expect(parseSmtpUrl('smtp://[::1]:25').host).toBe('::1');
  });

  it('keeps a stray % in a password as typed', () => {
    expect(parseSmtpUrl('smtp://u:50%zz@host').password?.reveal()).toBe('50%zz');
  });

  it.each([
    ['smtp://ops:hunter2@exa mple.com', 'is not a valid URL: "smtp://ops:***@exa mple.com"'],
    ['http://ops:hunter2@mail.example.com', 'must start with smtp:// or smtps://'],
  ])('rejects %s with a non-retryable error that hides the password', (raw, message) => {
    let error: unknown;
    try {
      parseSmtpUrl(raw);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MailConfigError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect((error as MailConfigError).variable).toBe('SMTP_URL');
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('mailConfigOf', () => {
  it('uses SMTP when SMTP_URL is set, and never shows the password when printed', () => {
    const config = mailConfigOf({ smtpUrl: 'smtps://ops:hunter2@mail.example.com', from: 'Weir <weir@example.com>' });
    expect(config.from).toBe('Weir <weir@example.com>');
    expect(config.target.kind).toBe('smtp');
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(inspect(config, { depth: 10 })).not.toContain('hunter2');
  });

  it('falls back to the outbox folder, relative to the working directory', () => {
    expect(mailConfigOf({}, '/srv/weir')).toEqual({ from: 'weir@localhost', target: { kind: 'outbox', dir: path.resolve('/srv/weir/.weir/outbox') } });
    expect(mailConfigOf({ outboxDir: 'mail', smtpUrl: '  ' }, '/srv/weir').target).toEqual({ kind: 'outbox', dir: path.resolve('/srv/weir/mail') });
  });
});

describe('describeTarget', () => {
  it('names user, host and port but not the password', () => {
    expect(describeTarget(parseSmtpUrl('smtp://ops:hunter2@mail.example.com:2525'))).toBe('smtp://ops@mail.example.com:2525');
    expect(describeTarget(parseSmtpUrl('smtps://[::1]'))).toBe('smtps://[::1]:465');
    expect(describeTarget({ kind: 'outbox', dir: '/tmp/out' })).toBe('outbox /tmp/out');
  });
});
