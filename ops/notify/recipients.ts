import { MailRecipientsError } from './errors.ts';

/**
 * Turns what a DAG author wrote (`'a@x.com'`, `['a@x.com', 'Ops <ops@x.com>']`) into a clean
 * list, refusing an empty one: an alert sent to nobody would fail silently, which is worse
 * than failing the task.
 *
 * @example
 * normalizeRecipients(['ml@example.com', ' ops@example.com ']); // ['ml@example.com', 'ops@example.com']
 */
export function normalizeRecipients(to: string | readonly string[]): string[] {
  const given = typeof to === 'string' ? [to] : [...to];
  const recipients = given.map((address) => address.trim()).filter((address) => address !== '');
  if (recipients.length === 0) throw new MailRecipientsError(given, 'no recipients given (set `to` to one or more email addresses)');
  for (const address of recipients) {
    // CR/LF would let an address smuggle extra headers into the message.
    if (/[\r\n]/.test(address) || !/@[^@\s>]+/.test(address)) {
      throw new MailRecipientsError(recipients, `"${address.replace(/[\r\n]+/g, ' ')}" is not an email address`);
    }
  }
  return [...new Set(recipients)];
}
