import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../sdk/errors.ts';
import { MailRecipientsError } from './errors.ts';
import { normalizeRecipients } from './recipients.ts';

describe('normalizeRecipients', () => {
  it('accepts one address or a list, trims and de-duplicates', () => {
    expect(normalizeRecipients('ml@example.com')).toEqual(['ml@example.com']);
    expect(normalizeRecipients([' ml@example.com', 'Ops Team <ops@example.com>', 'ml@example.com', ''])).toEqual(['ml@example.com', 'Ops Team <ops@example.com>']);
  });

  it.each([[[]], [''], [['  ']]])('refuses an empty list (%j)', (to) => {
    expect(() => normalizeRecipients(to)).toThrow(MailRecipientsError);
    expect(() => normalizeRecipients(to)).toThrow(/no recipients/);
  });

  it('refuses something that is not an address, naming it, without retries', () => {
    expect(() => normalizeRecipients(['ml@example.com', 'oncall'])).toThrow('"oncall" is not an email address');
    expect(() => normalizeRecipients('oncall')).toThrow(NonRetryableError);
  });

  it('refuses line breaks, which could inject headers', () => {
    expect(() => normalizeRecipients('a@example.com\r\nBcc: evil@example.com')).toThrow(MailRecipientsError);
  });
});
