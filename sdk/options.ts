import { parseDuration, type Duration } from '../plan/duration.ts';
import type { PlanTaskOptions } from '../plan/types.ts';
import type { TaskOptions } from './definition.ts';
import { describeValue } from './errors.ts';

export const BUILT_IN_DEFAULTS: PlanTaskOptions = {
  retries: 0,
  retryDelayMs: 10_000,
  backoffCoefficient: 2,
  timeoutMs: 3_600_000,
};

const KNOWN_OPTIONS = new Set(['retries', 'retryDelay', 'backoff', 'maxRetryDelay', 'timeout', 'heartbeatTimeout', 'queue', 'secretEnv']);

export interface OptionProblem {
  field: string;
  message: string;
}

/** Merges task options over DAG defaults over built-in defaults, collecting every invalid field. */
export function resolveTaskOptions(
  defaults: TaskOptions | undefined,
  overrides: TaskOptions | undefined,
  problems: OptionProblem[],
  prefix: string,
): PlanTaskOptions {
  const merged: TaskOptions = { ...checkKnown(defaults, problems, 'defaults'), ...checkKnown(overrides, problems, prefix) };
  const resolved: PlanTaskOptions = { ...BUILT_IN_DEFAULTS };
  const duration = (name: keyof TaskOptions, value: unknown, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value as Duration) : null;
    if (ms === null || ms < min) {
      problems.push({ field: `${prefix}.${name}`, message: `${describeValue(value)} is not a valid duration (examples: "30s", "10m", "1h30m")` });
      return undefined;
    }
    return ms;
  };
  if (merged.retries !== undefined) {
    if (!Number.isInteger(merged.retries) || merged.retries < 0 || merged.retries > 1000) {
      problems.push({ field: `${prefix}.retries`, message: `must be a whole number from 0 to 1000, got ${describeValue(merged.retries)}` });
    } else resolved.retries = merged.retries;
  }
  if (merged.backoff !== undefined) {
    if (typeof merged.backoff !== 'number' || !Number.isFinite(merged.backoff) || merged.backoff < 1) {
      problems.push({ field: `${prefix}.backoff`, message: `must be a number >= 1, got ${describeValue(merged.backoff)}` });
    } else resolved.backoffCoefficient = merged.backoff;
  }
  const retryDelay = duration('retryDelay', merged.retryDelay, 1);
  if (retryDelay !== undefined) resolved.retryDelayMs = retryDelay;
  const maxRetryDelay = duration('maxRetryDelay', merged.maxRetryDelay, 1);
  if (maxRetryDelay !== undefined) resolved.maxRetryDelayMs = maxRetryDelay;
  const timeout = duration('timeout', merged.timeout, 1);
  if (timeout !== undefined) resolved.timeoutMs = timeout;
  const heartbeat = duration('heartbeatTimeout', merged.heartbeatTimeout, 1);
  if (heartbeat !== undefined) resolved.heartbeatTimeoutMs = heartbeat;
  if (merged.secretEnv !== undefined && !(Array.isArray(merged.secretEnv) && merged.secretEnv.every((name) => typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)))) {
    problems.push({ field: `${prefix}.secretEnv`, message: 'must be a list of environment variable names' });
  }
  if (merged.queue !== undefined) {
    if (typeof merged.queue !== 'string' || merged.queue.trim() === '') {
      problems.push({ field: `${prefix}.queue`, message: 'must be a non-empty task queue name' });
    } else resolved.queue = merged.queue;
  }
  return resolved;
}

function checkKnown(options: TaskOptions | undefined, problems: OptionProblem[], prefix: string): TaskOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    problems.push({ field: prefix, message: 'must be an object of task options' });
    return {};
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      problems.push({ field: `${prefix}.${key}`, message: `unknown option (known: ${[...KNOWN_OPTIONS].join(', ')})` });
    }
  }
  return options;
}
