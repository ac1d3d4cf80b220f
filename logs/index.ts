import type { WorkerLogger } from './log-format.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { LogBatcher, type LogBatcherOptions } from './log-batcher.ts';
import { insertTaskLogLines, type TaskLogLine } from './store.ts';

export { AttemptLog, DEFAULT_ATTEMPT_LOG_LIMITS, type AttemptLogLimits, type AttemptLogOptions } from './attempt-log.ts';
export { SecretMask, NO_SECRETS, MASKED, MIN_MASKED_LENGTH } from './secret-mask.ts';
export { insertTaskLogLines, readTaskLogLines, type TaskLogLine, type StoredTaskLogLine, type TaskLogQuery } from './store.ts';
export { followTaskLogs, type FollowOptions } from './follow.ts';
export { attemptLabel, formatTerminalLine, type AttemptIdentity } from './terminal-line.ts';
export { LOG_LEVELS, type LogLevel } from './tables.ts';

/** Where task attempts send their log lines: a store every worker and the CLI reach, and a terminal. */
export interface TaskLogService {
  store(line: TaskLogLine): Promise<void>;
  print(line: string): void;
  /** Prints an entry with its attempt as a structured record, when the worker logs JSON. */
  printEntry?: WorkerLogger['entry'];
  /** Writes lines still waiting for their batch. */
  flush(): Promise<void>;
}

/** Task logs stored in Postgres in batches (one statement per `flushAfterMs`), printed with `print`. */
export function postgresTaskLogs(db: Kysely<Database>, print: (line: string) => void, options?: Partial<LogBatcherOptions> & { printEntry?: WorkerLogger['entry'] }): TaskLogService {
  const batching = options?.flushAfterMs !== undefined && options.maxBatch !== undefined ? { flushAfterMs: options.flushAfterMs, maxBatch: options.maxBatch } : undefined;
  const batcher = new LogBatcher((lines) => insertTaskLogLines(db, lines), batching);
  return { store: (line) => batcher.add(line), print, flush: () => batcher.flush(), ...(options?.printEntry ? { printEntry: options.printEntry } : {}) };
}

export { createWorkerLogger, type LogFormat, type WorkerLogger } from './log-format.ts';
