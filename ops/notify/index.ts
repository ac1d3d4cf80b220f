/**
 * Email notifications: the `email()` task body, DAG callbacks (`emailOn`, `notifyOn*`), the
 * event emails the engine sends, and the mailer chosen from the environment.
 */
export { email } from './email-operator.ts';
export type { EmailOptions, EmailResult, FromContext } from './email-operator.ts';
export { emailOn, notifyOnDrift, notifyOnFailure, notifyOnPromotion, notifyOnRejection, notifyOnSuccess } from './callbacks.ts';
export type { EmailCallback, EmailOnOptions } from './callbacks.ts';
export { sendEventEmail, eventHeaders } from './send-event.ts';
export type { NotifyRuntime, SendEventOptions } from './send-event.ts';
export { WEIR_EVENT_TYPES } from './events.ts';
export type { WeirEvent, WeirEventType, RunEventLike, MetricComparison, FailureDetails, FailedTask, SuccessDetails, DriftDetails, PromotionDetails, RejectionDetails } from './events.ts';
export { parseWeirEvent, EventDetailsError } from './parse-event.ts';
export { eventEmail, failureEmail, successEmail, driftEmail, promotionEmail, rejectionEmail, unreadableEventEmail } from './messages.ts';
export type { MessageLinks } from './messages.ts';
export type { EmailContent } from './render.ts';
export { createMailer, SmtpMailer } from './mailer.ts';
export { OutboxMailer } from './outbox.ts';
export type { Mailer, OutgoingMail, SentMail, SendOptions } from './message.ts';
export { mailConfigOf, parseSmtpUrl, describeTarget, DEFAULT_MAIL_FROM, DEFAULT_OUTBOX_DIR } from './config.ts';
export type { MailConfig, SmtpTarget, OutboxTarget } from './config.ts';
export { redactUrlPasswords, redactText, Secret } from './redact.ts';
export { MailAuthError, MailConfigError, MailDeferredError, MailRecipientsError, MailRejectedError, MailServerUnavailableError, OutboxWriteError } from './errors.ts';
