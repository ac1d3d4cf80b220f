import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { describeTarget, type OutboxTarget } from './config.ts';
import { OutboxWriteError } from './errors.ts';
import type { Mailer, OutgoingMail, SendOptions, SentMail } from './message.ts';
import { normalizeRecipients } from './recipients.ts';

/**
 * The dev stack's mailer: each message becomes one `.eml` file (the raw RFC 5322 message, as an
 * SMTP server would receive it), which any mail client opens. Nothing leaves the machine.
 */
export class OutboxMailer implements Mailer {
  readonly from: string;
  readonly via: string;
  readonly dir: string;
  // buffer: true makes nodemailer hand back the whole message instead of a stream.
  readonly #transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  constructor(from: string, target: OutboxTarget) {
    this.from = from;
    this.dir = target.dir;
    this.via = describeTarget(target);
  }

  async send(mail: OutgoingMail, options: SendOptions = {}): Promise<SentMail> {
    const to = normalizeRecipients(mail.to);
    options.signal?.throwIfAborted();
    const info = await this.#transport.sendMail({ from: this.from, ...mail, to });
    const raw = info.message;
    if (!Buffer.isBuffer(raw)) throw new OutboxWriteError(this.dir, 'the stream transport returned no message buffer');
    const file = path.join(this.dir, outboxFileName(new Date(), info.messageId));
    try {
      await mkdir(this.dir, { recursive: true });
      // Write then rename, so a watcher of the folder never opens half a message.
      const partial = `${file}.partial`;
      await writeFile(partial, raw);
      await rename(partial, file);
    } catch (error) {
      throw new OutboxWriteError(this.dir, error instanceof Error ? error.message : String(error));
    }
    return { messageId: info.messageId, accepted: to, rejected: [], via: this.via, file };
  }

  close(): void {
    this.#transport.close();
  }
}

/** Sorts by time in a file listing; the random tail keeps two messages in one millisecond apart. */
export function outboxFileName(at: Date, messageId: string): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const id = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  return `${stamp}_${id || randomBytes(6).toString('hex')}_${randomBytes(3).toString('hex')}.eml`;
}
