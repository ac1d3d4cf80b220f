import { z } from 'zod';
import { NonRetryableError } from '../../sdk/errors.ts';
import { WEIR_EVENT_TYPES, type RunEventLike, type WeirEvent } from './events.ts';

/** Details that do not have the shape their event type needs; the retry would see the same. */
export class EventDetailsError extends NonRetryableError {
  readonly eventType: string;
  readonly issues: readonly string[];

  constructor(eventType: string, issues: readonly string[]) {
    super(`The details of a "${eventType}" event do not have the expected shape: ${issues.join('; ')}`);
    this.name = 'EventDetailsError';
    this.eventType = eventType;
    this.issues = issues;
  }
}

const version = z.union([z.string(), z.number()]);
const metrics = z
  .array(z.object({ metric: z.string(), champion: z.number().nullable(), challenger: z.number(), higherIsBetter: z.boolean().optional() }))
  .default([]);
const reasons = z.array(z.string()).default([]);

const failure = z.object({
  error: z.string().optional(),
  attempts: z.number().optional(),
  failedTasks: z.array(z.object({ id: z.string(), error: z.string().nullable().default(null), attempts: z.number().optional() })).optional(),
});

const success = z.object({ tasks: z.number().optional() });

const drift = z
  .object({
    driftedColumns: z.array(z.string()).optional(),
    // Accepted because task authors naturally write `ctx.emit('drift', { columns })`.
    columns: z.array(z.string()).optional(),
    share: z.number().min(0).max(1).optional(),
    columnsChecked: z.number().int().nonnegative().optional(),
    threshold: z.number().optional(),
    reportUri: z.string().optional(),
  })
  .transform(({ columns, driftedColumns, share, ...rest }, ctx) => {
    const drifted = driftedColumns ?? columns;
    if (!drifted) {
      ctx.addIssue({ code: 'custom', path: ['driftedColumns'], message: 'the list of drifted columns is missing' });
      return z.NEVER;
    }
    const computed = share ?? (rest.columnsChecked ? drifted.length / rest.columnsChecked : undefined);
    if (computed === undefined) {
      ctx.addIssue({ code: 'custom', path: ['share'], message: 'give the share of drifted columns (0..1) or columnsChecked' });
      return z.NEVER;
    }
    return { ...rest, driftedColumns: drifted, share: computed };
  });

const promotion = z.object({ model: z.string(), version, previousVersion: version.optional(), metrics, reasons });
const rejection = z.object({ model: z.string(), version, metrics, reasons });

/**
 * Checks an engine event and gives it typed details. Tolerates what task authors naturally
 * write (missing `metrics` or `reasons`, `columns` for `driftedColumns`), and names the field
 * when something needed is missing.
 *
 * @example
 * parseWeirEvent({ type: 'drift', run, details: { columns: ['tenure'], columnsChecked: 4 } });
 * // { type: 'drift', run, details: { driftedColumns: ['tenure'], share: 0.25, columnsChecked: 4 } }
 */
export function parseWeirEvent(event: WeirEvent | RunEventLike): WeirEvent {
  const type = event.type;
  const base = { run: event.run, ...(event.taskId === undefined ? {} : { taskId: event.taskId }) };
  const details: unknown = event.details ?? {};
  switch (type) {
    case 'failure':
      return { ...base, type, details: check(type, failure, details) };
    case 'success':
      return { ...base, type, details: check(type, success, details) };
    case 'drift':
      return { ...base, type, details: check(type, drift, details) };
    case 'promotion':
      return { ...base, type, details: check(type, promotion, details) };
    case 'rejection':
      return { ...base, type, details: check(type, rejection, details) };
    default:
      throw new EventDetailsError(type, [`unknown event type (known: ${WEIR_EVENT_TYPES.join(', ')})`]);
  }
}

function check<S extends z.ZodType>(type: string, schema: S, details: unknown): z.output<S> {
  const parsed = schema.safeParse(details);
  if (parsed.success) return parsed.data;
  throw new EventDetailsError(
    type,
    parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`),
  );
}
