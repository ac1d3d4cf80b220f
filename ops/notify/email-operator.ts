import type { TaskContext } from '../../sdk/context.ts';
import { requireServices } from '../runtime.ts';
import { normalizeRecipients } from './recipients.ts';

/** A fixed value, or one computed from the task context (params, upstream outputs, run). */
export type FromContext<T, P, U> = T | ((ctx: TaskContext<P, U>) => T);

export interface EmailOptions<P, U> {
  to: string | readonly string[];
  subject: FromContext<string, P, U>;
  text: FromContext<string, P, U>;
  /** Optional HTML alternative; mail clients show it instead of the text. */
  html?: FromContext<string, P, U>;
}

/** The task's output: small, JSON, and free of credentials. */
export interface EmailResult {
  messageId: string;
  accepted: string[];
}

/**
 * A task body that sends one email through the worker's mailer (SMTP_URL, or the dev outbox).
 * If the SMTP server is down it throws a retryable error naming host:port, so the task retries
 * per its `retries` option; bad recipients or credentials fail at once.
 *
 * @example
 * .task('report', { needs: ['evaluate'], retries: 3 }, email({
 *   to: ['ml-team@example.com'],
 *   subject: (ctx) => `Weekly retrain of ${ctx.run.dagId}: ${ctx.outputs.evaluate.passed ? 'passed' : 'rejected'}`,
 *   text: (ctx) => `Reasons:\n${ctx.outputs.evaluate.reasons.join('\n')}`,
 * }))
 */
export function email<P = Record<string, unknown>, U = Record<string, unknown>>(options: EmailOptions<P, U>): (ctx: TaskContext<P, U>) => Promise<EmailResult> {
  // Checked when the DAG loads, so `weir dags validate` reports a bad address.
  const to = normalizeRecipients(options.to);
  return async (ctx) => {
    const subject = resolve(options.subject, ctx);
    const text = resolve(options.text, ctx);
    const html = options.html === undefined ? undefined : resolve(options.html, ctx);
    const mailer = requireServices(ctx.services).openMailer();
    try {
      const sent = await mailer.send(
        {
          to,
          subject,
          text,
          ...(html === undefined ? {} : { html }),
          headers: { 'X-Weir-Dag': ctx.run.dagId, 'X-Weir-Run': ctx.run.runId, 'X-Weir-Task': ctx.taskId },
        },
        { signal: ctx.signal },
      );
      ctx.log.info('email sent', { messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected, via: sent.via, ...(sent.file ? { file: sent.file } : {}) });
      return { messageId: sent.messageId, accepted: sent.accepted };
    } finally {
      mailer.close();
    }
  };
}

function resolve<T, P, U>(value: FromContext<T, P, U>, ctx: TaskContext<P, U>): T {
  return typeof value === 'function' ? (value as (ctx: TaskContext<P, U>) => T)(ctx) : value;
}
