import type { TaskAttemptRecord } from '../db/run-records.ts';

/** Where one attempt's reports are merged: a task, or one instance of a mapped task. */
export function attemptKey(record: TaskAttemptRecord): string {
  return JSON.stringify([record.runId, record.taskId, record.mapIndex ?? -1]);
}

/**
 * Folds a later report into an earlier one for the same task: a newer attempt replaces an older
 * one, and the end of an attempt keeps the start time its start report carried.
 */
export function mergeAttempt(earlier: TaskAttemptRecord | undefined, later: TaskAttemptRecord): TaskAttemptRecord {
  if (!earlier || later.attempt > earlier.attempt) return later;
  if (later.attempt < earlier.attempt) return earlier;
  return { ...later, startedAt: later.startedAt ?? earlier.startedAt, endedAt: later.endedAt ?? earlier.endedAt };
}

export interface AttemptBatcherOptions {
  /** How long a report may wait for others to share its write. */
  flushAfterMs: number;
  /** Write at once when this many tasks have reports waiting. */
  maxBatch: number;
}

/**
 * Collects attempt reports and writes them in batches, one statement per batch: a busy worker
 * then costs Postgres a write every `flushAfterMs`, not two per task. Batches are written one
 * after another, so a task's reports reach Postgres in the order they were made.
 */
export class AttemptBatcher {
  #pending = new Map<string, TaskAttemptRecord>();
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (records: TaskAttemptRecord[]) => Promise<void>,
    private readonly options: AttemptBatcherOptions = { flushAfterMs: 100, maxBatch: 500 },
  ) {}

  /** Resolves once the report is in Postgres; rejects with the write's error. */
  add(record: TaskAttemptRecord): Promise<void> {
    const key = attemptKey(record);
    this.#pending.set(key, mergeAttempt(this.#pending.get(key), record));
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#pending.size >= this.options.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.options.flushAfterMs);
    return written;
  }

  /** Writes whatever is waiting now; resolves when every earlier batch is written too. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const records = [...this.#pending.values()];
    const waiters = this.#waiters;
    this.#pending = new Map();
    this.#waiters = [];
    if (records.length === 0) return this.#writing;
    this.#writing = this.#writing.then(() =>
      this.write(records).then(
        () => waiters.forEach((waiter) => waiter.resolve()),
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      ),
    );
    return this.#writing;
  }
}
