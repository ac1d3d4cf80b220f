import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

/** What the SDK adds to every activity log entry; the rest are the task's own attributes. */
const SDK_METADATA = new Set([
  'sdkComponent', 'taskToken', 'activityId', 'activityType', 'attempt', 'isLocal', 'namespace', 'taskQueue',
  'workflowId', 'workflowRunId', 'workflowType', 'workflowNamespace',
]);
const NOISY_LEVELS = new Set(['TRACE', 'DEBUG', 'INFO']);

/**
 * One readable line for a log entry of a test run: a task's `ctx.log` lines as
 * `dag.task#attempt level message {attrs}`, the SDK's own warnings and errors as they are,
 * and nothing for the worker's routine chatter (state changes, polling).
 */
export function formatTestLogEntry(entry: Pick<LogEntry, 'level' | 'message' | 'meta'>): string | null {
  const meta = entry.meta ?? {};
  const activityType = typeof meta.activityType === 'string' ? meta.activityType : undefined;
  const level = entry.level.toLowerCase();
  if (activityType?.includes('.')) {
    // An Error's message is not enumerable: JSON would print the SDK's "Activity failed" error as {}.
    const attrs = Object.fromEntries(Object.entries(meta).filter(([key]) => !SDK_METADATA.has(key)).map(([key, value]) => [key, value instanceof Error ? value.message : value]));
    const suffix = Object.keys(attrs).length > 0 ? ` ${JSON.stringify(attrs)}` : '';
    return `${activityType}#${String(meta.attempt ?? 1)} ${level} ${entry.message}${suffix}`;
  }
  if (NOISY_LEVELS.has(entry.level)) return null;
  return `${level} ${entry.message}`;
}

/**
 * Routes the Temporal SDK's log (task logs included) through `formatTestLogEntry`. The SDK
 * takes one runtime per process: when one is installed already, its logger stays.
 */
export function installTestRunLogger(write: (line: string) => void): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('INFO', (entry) => {
        const line = formatTestLogEntry(entry);
        if (line !== null) write(line);
      }),
    });
  } catch {
    // Already installed (a test calling the CLI in-process, or a second command): keep it.
  }
}
