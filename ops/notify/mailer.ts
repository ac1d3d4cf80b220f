import { createTransport } from 'nodemailer';
import { describeTarget, type MailConfig, type SmtpTarget } from './config.ts';
import type { Mailer, OutgoingMail, SendOptions, SentMail } from './message.ts';
import { OutboxMailer } from './outbox.ts';
import { normalizeRecipients } from './recipients.ts';
import { toMailError } from './smtp-errors.ts';

/** Short enough that a dead server fails the attempt quickly and the retry policy takes over. */
const CONNECT_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 60_000;

/**
 * The mailer the configuration asks for: SMTP when `SMTP_URL` is set, otherwise `.eml` files in
 * the dev outbox (`WEIR_OUTBOX_DIR`, default `.weir/outbox`). From is `WEIR_MAIL_FROM`.
 *
 * @example
 * const mailer = createMailer(mailConfigOf({ smtpUrl: 'smtp://relay.example.com:587' }));
 * try {
 *   await mailer.send({ to: ['ml@example.com'], subject: 'hello', text: 'from weir' });
 * } finally {
 *   mailer.close();
 * }
 */
export function createMailer(config: MailConfig): Mailer {
  return config.target.kind === 'smtp' ? new SmtpMailer(config.from, config.target) : new OutboxMailer(config.from, config.target);
}

/** Sends through one SMTP server; every failure comes out as a Weir mail error with no password in it. */
export class SmtpMailer implements Mailer {
  readonly from: string;
  readonly via: string;
  readonly #target: SmtpTarget;
  readonly #transport;

  constructor(from: string, target: SmtpTarget) {
    this.from = from;
    this.via = describeTarget(target);
    this.#target = target;
    this.#transport = createTransport({
      host: target.host,
      port: target.port,
      secure: target.secure,
      ...(target.user ? { auth: { user: target.user, pass: target.password?.reveal() ?? '' } } : {}),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      // Nodemailer's debug log prints the AUTH exchange; it must stay off.
      logger: false,
      debug: false,
    });
  }

  async send(mail: OutgoingMail, options: SendOptions = {}): Promise<SentMail> {
    const to = normalizeRecipients(mail.to);
    try {
      const info = await this.#transport.sendMail({ from: this.from, ...mail, to, ...(options.signal ? { signal: options.signal } : {}) });
      return { messageId: info.messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String), via: this.via };
    } catch (error) {
      // A cancelled task should look cancelled, not like a mail failure.
      if (options.signal?.aborted) throw options.signal.reason;
      throw toMailError(error, this.#target);
    }
  }

  close(): void {
    this.#transport.close();
  }
}
