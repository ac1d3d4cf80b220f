import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../sdk/errors.ts';
import { parseSmtpUrl } from './config.ts';
import { MailAuthError, MailDeferredError, MailRecipientsError, MailRejectedError, MailServerUnavailableError } from './errors.ts';
import { toMailError } from './smtp-errors.ts';

const target = parseSmtpUrl('smtp://ops:hunter2@mail.example.com:2525');
const nodemailerError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('toMailError', () => {
  it('makes a refused connection retryable and names host:port', () => {
    const error = toMailError(nodemailerError('connect ECONNREFUSED 10.0.0.1:2525', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), target);
    expect(error).toBeInstanceOf(MailServerUnavailableError);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain('mail.example.com:2525 (ECONNREFUSED)');
    expect(error).toMatchObject({ host: 'mail.example.com', port: 2525, code: 'ECONNREFUSED' });
  });

  it.each(['ETIMEDOUT', 'ECONNECTION', 'EDNS'])('treats %s as the server being unavailable', (code) => {
    expect(toMailError(nodemailerError('boom', { code }), target)).toBeInstanceOf(MailServerUnavailableError);
  });

  it('makes a refused login non-retryable, naming the user but never the password', () => {
    const error = toMailError(nodemailerError('Invalid login: 535 bad credentials for hunter2', { code: 'EAUTH', responseCode: 535 }), target);
    expect(error).toBeInstanceOf(MailAuthError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain('user "ops"');
    expect(error.message).not.toContain('hunter2');
  });

  it('splits server refusals into permanent (5xx) and temporary (4xx, 503)', () => {
    expect(toMailError(nodemailerError('550 no such user', { code: 'EENVELOPE', responseCode: 550 }), target)).toBeInstanceOf(MailRejectedError);
    expect(toMailError(nodemailerError('451 try later', { code: 'EENVELOPE', responseCode: 451 }), target)).toBeInstanceOf(MailDeferredError);
    expect(toMailError(nodemailerError('503 bad sequence', { code: 'EPROTOCOL', responseCode: 503 }), target)).toBeInstanceOf(MailDeferredError);
    // nodemailer's own verdict wins when it gives one.
    expect(toMailError(nodemailerError('552', { responseCode: 552, permanent: false }), target)).toBeInstanceOf(MailDeferredError);
  });

  it('reports an envelope problem without a server reply as a recipients error', () => {
    expect(toMailError(nodemailerError('No recipients defined', { code: 'EENVELOPE' }), target)).toBeInstanceOf(MailRecipientsError);
  });

  it('keeps unknown failures retryable, and redacts whatever they say', () => {
    const error = toMailError('weird failure smtp://ops:hunter2@mail.example.com', target);
    expect(error).toBeInstanceOf(MailDeferredError);
    expect(error.message).not.toContain('hunter2');
  });
});
