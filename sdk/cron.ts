import { CronExpressionParser } from 'cron-parser';

/** Presets as Airflow and classic cron spell them, expanded to five fields for Temporal. */
const PRESETS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

export function expandCronPreset(expression: string): string {
  const trimmed = expression.trim();
  // Own keys only: "constructor" or "toString" must not find Object.prototype's members.
  return Object.hasOwn(PRESETS, trimmed) ? (PRESETS[trimmed] as string) : trimmed;
}

// Thousands of DAGs share a handful of timezones and schedules; checking each once keeps
// loading a large DAGs folder fast.
const timezoneChecks = new Map<string, string | null>();
const cronChecks = new Map<string, string | null>();

/** Returns a message when the timezone is unknown to the runtime's IANA database. */
export function checkTimezone(timezone: string): string | null {
  if (!timezoneChecks.has(timezone)) timezoneChecks.set(timezone, checkTimezoneUncached(timezone));
  return timezoneChecks.get(timezone) ?? null;
}

function checkTimezoneUncached(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `unknown timezone "${timezone}" (use an IANA name such as "Europe/Berlin" or "UTC")`;
  }
}

/** Returns cron-parser's message when the expression is invalid. Five fields only: Temporal's cron has no seconds. */
export function checkCron(expression: string, timezone: string): string | null {
  const key = `${expression}\u0000${timezone}`;
  if (!cronChecks.has(key)) cronChecks.set(key, checkCronUncached(expression, timezone));
  return cronChecks.get(key) ?? null;
}

function checkCronUncached(expression: string, timezone: string): string | null {
  const expanded = expandCronPreset(expression);
  if (expanded.startsWith('@')) return `unknown cron preset "${expression}" (known: ${Object.keys(PRESETS).join(', ')})`;
  const fields = expanded.split(/\s+/).length;
  if (fields !== 5) return `cron expression "${expression}" has ${fields} fields; use 5 (minute hour day-of-month month day-of-week)`;
  try {
    CronExpressionParser.parse(expanded, { tz: timezone, strict: false }).next();
    return null;
  } catch (error) {
    return `invalid cron expression "${expression}": ${(error as Error).message}`;
  }
}

export function nextCronTime(expression: string, timezone: string, after: Date): Date {
  return CronExpressionParser.parse(expandCronPreset(expression), { tz: timezone, currentDate: after }).next().toDate();
}

/** The latest cron time strictly before `before`. */
export function previousCronTime(expression: string, timezone: string, before: Date): Date {
  return CronExpressionParser.parse(expandCronPreset(expression), { tz: timezone, currentDate: before }).prev().toDate();
}

/** Every cron time in [from, to]. */
export function cronTimesBetween(expression: string, timezone: string, from: Date, to: Date): Date[] {
  const times: Date[] = [];
  const iterator = CronExpressionParser.parse(expandCronPreset(expression), {
    tz: timezone,
    currentDate: new Date(from.getTime() - 1),
    endDate: to,
  });
  while (iterator.hasNext()) times.push(iterator.next().toDate());
  return times;
}
