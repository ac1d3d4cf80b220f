import { inspect } from 'node:util';
import { MASKED, SecretMask } from '../../logs/secret-mask.ts';

/** What a hidden value prints as, everywhere: messages, logs, JSON, `util.inspect`. */
export const REDACTED = MASKED;

/**
 * A password held so that no accidental path prints it: string conversion, JSON and
 * `util.inspect` (which Node and loggers use) all show `***`. Only `reveal()` gives it back.
 *
 * @example
 * const password = new Secret('hunter2');
 * `${password}`;       // '***'
 * password.reveal();   // 'hunter2', for the SMTP login only
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /**
   * The forms the value could take on its way into a message: as typed, percent-encoded as in
   * a URL, and base64 as in an SMTP AUTH exchange. Redaction removes all of them.
   */
  variants(): string[] {
    const value = this.#value;
    if (value === '') return [];
    const forms = new Set([value, encodeURIComponent(value), Buffer.from(value).toString('base64')]);
    return [...forms].sort((a, b) => b.length - a.length);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/*
 * scheme://user:password@host — the password runs greedily to the last `@` before the path,
 * as WHATWG URL parsing does, so an unencoded `@` inside a password is still covered.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#]*)@/gi;

/**
 * Replaces the password of every `scheme://user:password@` URL in a text with `***`, keeping the
 * user so a reader still knows which account was meant. Task errors often quote connection
 * strings (SMTP_URL, DATABASE_URL), and those errors end up in emails.
 *
 * @example
 * redactUrlPasswords('connect smtps://ops:s3cret@mail.example.com:465 failed');
 * // 'connect smtps://ops:***@mail.example.com:465 failed'
 */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (_match, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
}

/**
 * Removes URL passwords and every form of the given secrets from a text. Use it on anything that
 * leaves this module: error messages, log attributes, server responses.
 *
 * @example
 * redactText('AUTH failed for hunter2', [new Secret('hunter2')]); // 'AUTH failed for ***'
 */
export function redactText(text: string, secrets: readonly Secret[] = []): string {
  return new SecretMask(secrets.map((secret) => secret.reveal())).text(redactUrlPasswords(text));
}
