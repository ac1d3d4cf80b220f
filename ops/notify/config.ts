import path from 'node:path';
import { MailConfigError } from './errors.ts';
import { redactUrlPasswords, Secret } from './redact.ts';

export const DEFAULT_MAIL_FROM = 'weir@localhost';
export const DEFAULT_OUTBOX_DIR = path.join('.weir', 'outbox');

export interface SmtpTarget {
  kind: 'smtp';
  host: string;
  port: number;
  /** TLS from the first byte (smtps://). smtp:// still upgrades with STARTTLS when offered. */
  secure: boolean;
  user: string | undefined;
  password: Secret | undefined;
}

export interface OutboxTarget {
  kind: 'outbox';
  /** Absolute folder the `.eml` files go to. */
  dir: string;
}

export interface MailConfig {
  from: string;
  target: SmtpTarget | OutboxTarget;
}

/** The mail settings as the worker's configuration parsed them (`SMTP_URL`, `WEIR_MAIL_FROM`, `WEIR_OUTBOX_DIR`). */
export interface MailSettings {
  smtpUrl?: string | undefined;
  from?: string | undefined;
  outboxDir?: string | undefined;
}

/**
 * Where mail goes: `smtpUrl` selects a real SMTP server; without it, messages go to `.eml`
 * files in `outboxDir` (default `.weir/outbox`), which is what the dev stack wants. The password
 * stays wrapped in a {@link Secret} so the config itself is safe to log.
 *
 * @example
 * mailConfigOf({ smtpUrl: 'smtps://ops:pw@mail.example.com' });
 * // { from: 'weir@localhost', target: { kind: 'smtp', host: 'mail.example.com', port: 465, secure: true, ... } }
 */
export function mailConfigOf(settings: MailSettings, cwd: string = process.cwd()): MailConfig {
  const from = settings.from?.trim() || DEFAULT_MAIL_FROM;
  const smtpUrl = settings.smtpUrl?.trim();
  if (smtpUrl) return { from, target: parseSmtpUrl(smtpUrl) };
  const dir = path.resolve(cwd, settings.outboxDir?.trim() || DEFAULT_OUTBOX_DIR);
  return { from, target: { kind: 'outbox', dir } };
}

/** Parses `smtp://user:pass@host:port` or `smtps://...`; errors quote the URL without its password. */
export function parseSmtpUrl(raw: string): SmtpTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MailConfigError('SMTP_URL', `is not a valid URL: "${redactUrlPasswords(raw)}" (expected smtp://user:password@host:port or smtps://...)`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new MailConfigError('SMTP_URL', `must start with smtp:// or smtps://, not ${url.protocol}// ("${redactUrlPasswords(raw)}")`);
  }
  if (!url.hostname) throw new MailConfigError('SMTP_URL', `names no host: "${redactUrlPasswords(raw)}"`);
  const secure = url.protocol === 'smtps:';
  // 587 is the submission port for STARTTLS, 465 for implicit TLS (RFC 8314).
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = url.username ? decodeUserinfo(url.username) : undefined;
  const password = url.password ? new Secret(decodeUserinfo(url.password)) : undefined;
  // WHATWG URL keeps the brackets of an IPv6 host; sockets want it bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { kind: 'smtp', host, port, secure, user, password };
}

/** Where mail goes, for logs and messages: never includes the password. */
export function describeTarget(target: SmtpTarget | OutboxTarget): string {
  if (target.kind === 'outbox') return `outbox ${target.dir}`;
  const scheme = target.secure ? 'smtps' : 'smtp';
  const userinfo = target.user ? `${encodeURIComponent(target.user)}@` : '';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${scheme}://${userinfo}${host}:${target.port}`;
}

/** A stray `%` in a password is legal in the URL but breaks decodeURIComponent; keep it as typed. */
function decodeUserinfo(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
