import { NonRetryableError } from '../../sdk/errors.ts';

/*
 * Every message here is built from values that were already redacted: these errors travel into
 * task outputs, Temporal history and logs, where an SMTP password must never appear.
 */

/** The mail settings in the environment cannot work; fixing them needs a person, not a retry. */
export class MailConfigError extends NonRetryableError {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'MailConfigError';
    this.variable = variable;
  }
}

/** No usable recipient, or one that is not an address. A retry would send to nobody again. */
export class MailRecipientsError extends NonRetryableError {
  readonly recipients: readonly string[];

  constructor(recipients: readonly string[], problem: string) {
    super(`Cannot send email: ${problem}`);
    this.name = 'MailRecipientsError';
    this.recipients = recipients;
  }
}

/**
 * The SMTP server could not be reached or dropped the connection. Retryable on purpose: the
 * task runner turns it into a retryable failure, so the task retries per its own policy.
 */
export class MailServerUnavailableError extends Error {
  readonly host: string;
  readonly port: number;
  /** Nodemailer's or Node's code, such as ECONNREFUSED or ETIMEDOUT. */
  readonly code: string | undefined;

  constructor(host: string, port: number, code: string | undefined, detail: string) {
    super(`Cannot reach the SMTP server at ${host}:${port}${code ? ` (${code})` : ''}: ${detail}. The email was not sent; the task can retry.`);
    this.name = 'MailServerUnavailableError';
    this.host = host;
    this.port = port;
    this.code = code;
  }
}

/** The server refused the login. Retrying with the same credentials gets the same answer. */
export class MailAuthError extends NonRetryableError {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly responseCode: number | undefined;

  constructor(host: string, port: number, user: string | undefined, responseCode: number | undefined, detail: string) {
    super(`The SMTP server at ${host}:${port} refused the login${user ? ` for user "${user}"` : ''}: ${detail}. Check the user and password in SMTP_URL.`);
    this.name = 'MailAuthError';
    this.host = host;
    this.port = port;
    this.user = user;
    this.responseCode = responseCode;
  }
}

/** The server refused the message for good (a 5xx reply): sender, recipients or content. */
export class MailRejectedError extends NonRetryableError {
  readonly host: string;
  readonly port: number;
  readonly responseCode: number | undefined;

  constructor(host: string, port: number, responseCode: number | undefined, detail: string) {
    super(`The SMTP server at ${host}:${port} rejected the email${responseCode ? ` (${responseCode})` : ''}: ${detail}`);
    this.name = 'MailRejectedError';
    this.host = host;
    this.port = port;
    this.responseCode = responseCode;
  }
}

/** The server refused the message for now (a 4xx reply, or an unexpected answer); a retry may pass. */
export class MailDeferredError extends Error {
  readonly host: string;
  readonly port: number;
  readonly responseCode: number | undefined;

  constructor(host: string, port: number, responseCode: number | undefined, detail: string) {
    super(`The SMTP server at ${host}:${port} did not take the email this time${responseCode ? ` (${responseCode})` : ''}: ${detail}. The task can retry.`);
    this.name = 'MailDeferredError';
    this.host = host;
    this.port = port;
    this.responseCode = responseCode;
  }
}

/** The dev outbox folder could not be written (permissions, full disk). */
export class OutboxWriteError extends Error {
  readonly dir: string;

  constructor(dir: string, detail: string) {
    super(`Cannot write the email to the outbox folder ${dir}: ${detail}`);
    this.name = 'OutboxWriteError';
    this.dir = dir;
  }
}
