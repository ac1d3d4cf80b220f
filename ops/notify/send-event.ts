import { requireServices, type OperatorRuntime } from '../runtime.ts';
import type { RunEventLike, WeirEvent } from './events.ts';
import type { Mailer, SentMail } from './message.ts';
import { eventEmail, unreadableEventEmail } from './messages.ts';
import { EventDetailsError, parseWeirEvent } from './parse-event.ts';
import { normalizeRecipients } from './recipients.ts';
import type { EmailContent } from './render.ts';

/** The part of the worker runtime that notifications use. */
export type NotifyRuntime = Pick<OperatorRuntime, 'openMailer' | 'temporalUiUrl' | 'namespace'>;

export interface SendEventOptions {
  /** The worker's services: a callback's second argument, or `ctx.services` in a task. */
  runtime?: NotifyRuntime;
  /** Defaults to the mailer the services open (SMTP_URL or the outbox). */
  mailer?: Mailer;
  signal?: AbortSignal;
}

/**
 * Emails one run event (failure, drift, promotion, rejection, success) to the recipients. The
 * engine calls it from its own activity, so an SMTP outage retries that activity and never
 * fails the run, nor undoes a promotion that already happened. Errors are Weir mail errors:
 * retryable when the server is down, non-retryable for bad recipients or credentials.
 *
 * Details that do not fit the event type still produce an email (with the raw details), since
 * a lost failure alert is worse than an ugly one.
 *
 * @example
 * await sendEventEmail(
 *   { type: 'failure', run, taskId: 'train', details: { error: 'OOM killed', attempts: 3 } },
 *   ['ml-oncall@example.com'],
 *   { runtime: services },
 * );
 */
export async function sendEventEmail(event: WeirEvent | RunEventLike, recipients: string | readonly string[], options: SendEventOptions): Promise<SentMail> {
  const to = normalizeRecipients(recipients);
  const runtime = requireServices(options.runtime);
  const content = composeEventEmail(event, runtime);
  const mailer = options.mailer ?? runtime.openMailer();
  try {
    return await mailer.send(
      { to, ...content, headers: eventHeaders(event) },
      options.signal ? { signal: options.signal } : {},
    );
  } finally {
    if (!options.mailer) mailer.close();
  }
}

function composeEventEmail(event: WeirEvent | RunEventLike, links: NotifyRuntime): EmailContent {
  try {
    return eventEmail(parseWeirEvent(event), links);
  } catch (error) {
    if (error instanceof EventDetailsError) return unreadableEventEmail(event, error.issues.join('; '), links);
    throw error;
  }
}

/** Lets mail rules file alerts by DAG and kind without parsing subjects. */
export function eventHeaders(event: WeirEvent | RunEventLike): Record<string, string> {
  return {
    'X-Weir-Event': event.type,
    'X-Weir-Dag': event.run.dagId,
    'X-Weir-Run': event.run.runId,
    ...(event.taskId ? { 'X-Weir-Task': event.taskId } : {}),
  };
}
