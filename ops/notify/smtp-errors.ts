import type { SmtpTarget } from './config.ts';
import { MailAuthError, MailDeferredError, MailRecipientsError, MailRejectedError, MailServerUnavailableError } from './errors.ts';
import { redactText, type Secret } from './redact.ts';

/** The fields nodemailer puts on its errors; all optional, the set depends on where it failed. */
interface NodemailerErrorFields {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  permanent?: unknown;
  message?: unknown;
}

/** Codes that mean the connection itself failed, not that the server refused something. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Translates a nodemailer failure into one of Weir's mail errors, deciding whether a retry can
 * help. The original error is deliberately not kept as `cause`: its fields are not ours to
 * vouch for, and the result must be safe to put in history and logs.
 */
export function toMailError(thrown: unknown, target: SmtpTarget): Error {
  const fields: NodemailerErrorFields = typeof thrown === 'object' && thrown !== null ? thrown : {};
  const secrets: Secret[] = target.password ? [target.password] : [];
  const detail = redactText(typeof fields.message === 'string' ? fields.message : String(thrown), secrets);
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const originalCode = typeof fields.originalCode === 'string' ? fields.originalCode : undefined;
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const { host, port } = target;

  if (code === 'EAUTH' || code === 'ENOAUTH') return new MailAuthError(host, port, target.user, responseCode, detail);
  if (responseCode !== undefined) {
    // RFC 5321: 5yz is permanent, except 503 (bad command sequence), which a new session fixes.
    const permanent = typeof fields.permanent === 'boolean' ? fields.permanent : responseCode >= 500 && responseCode !== 503;
    return permanent ? new MailRejectedError(host, port, responseCode, detail) : new MailDeferredError(host, port, responseCode, detail);
  }
  if (code === 'EENVELOPE') return new MailRecipientsError([], detail);
  if ((code && CONNECTION_CODES.has(code)) || (originalCode && CONNECTION_CODES.has(originalCode))) {
    return new MailServerUnavailableError(host, port, originalCode ?? code, detail);
  }
  return new MailDeferredError(host, port, undefined, code ? `${code}: ${detail}` : detail);
}
