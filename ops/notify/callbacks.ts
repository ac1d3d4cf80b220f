import type { RunEventLike, WeirEvent, WeirEventType } from './events.ts';
import { normalizeRecipients } from './recipients.ts';
import { sendEventEmail, type NotifyRuntime } from './send-event.ts';

export interface EmailOnOptions {
  to: string | readonly string[];
  /** Only these event types send mail; others are ignored. Default: every type. */
  events?: readonly WeirEventType[];
}

/** A DAG callback: the engine runs it in its own activity, and retries it if it throws. */
export type EmailCallback = (event: WeirEvent | RunEventLike, services: NotifyRuntime) => Promise<void>;

/**
 * A DAG callback that emails the event. Recipients are checked when the DAG file loads, so
 * `weir dags validate` catches a typo instead of the first failure at 3 a.m.
 *
 * @example
 * dag({
 *   id: 'churn_retrain',
 *   callbacks: {
 *     onFailure: emailOn({ to: ['ml-oncall@example.com'] }),
 *     onDrift: emailOn({ to: 'data-team@example.com' }),
 *   },
 * });
 */
export function emailOn(options: EmailOnOptions): EmailCallback {
  const to = normalizeRecipients(options.to);
  const events = options.events ? new Set<string>(options.events) : undefined;
  return async (event, services) => {
    if (events && !events.has(event.type)) return;
    await sendEventEmail(event, to, { runtime: services });
  };
}

/**
 * Callbacks that email one kind of event only; safe to wire to any callback slot.
 *
 * @example
 * dag({ id: 'churn_retrain', callbacks: { onFailure: notifyOnFailure({ to: ['ml-oncall@example.com'] }) } });
 */
export function notifyOnFailure(options: Omit<EmailOnOptions, 'events'>): EmailCallback {
  return emailOn({ ...options, events: ['failure'] });
}

export function notifyOnDrift(options: Omit<EmailOnOptions, 'events'>): EmailCallback {
  return emailOn({ ...options, events: ['drift'] });
}

export function notifyOnPromotion(options: Omit<EmailOnOptions, 'events'>): EmailCallback {
  return emailOn({ ...options, events: ['promotion'] });
}

export function notifyOnRejection(options: Omit<EmailOnOptions, 'events'>): EmailCallback {
  return emailOn({ ...options, events: ['rejection'] });
}

export function notifyOnSuccess(options: Omit<EmailOnOptions, 'events'>): EmailCallback {
  return emailOn({ ...options, events: ['success'] });
}
