import type { TaskLogLine } from './store.ts';

export interface LogBatcherOptions {
  /** How long a line may wait for others to share its write. */
  flushAfterMs: number;
  /** Write at once when this many lines are waiting. */
  maxBatch: number;
}

/**
 * Collects log lines of every task on a worker and writes them in batches, one statement per
 * batch, so a task that logs in a loop costs Postgres a write every `flushAfterMs`, not one per
 * line. Batches are written one after another, so lines reach Postgres in the order logged.
 */
export class LogBatcher {
  #pending: TaskLogLine[] = [];
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (lines: TaskLogLine[]) => Promise<void>,
    private readonly options: LogBatcherOptions = { flushAfterMs: 100, maxBatch: 1_000 },
  ) {}

  /** Resolves once the line is stored; rejects with the write's error. */
  add(line: TaskLogLine): Promise<void> {
    this.#pending.push(line);
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#pending.length >= this.options.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.options.flushAfterMs);
    return written;
  }

  /** Writes whatever is waiting now; resolves when every earlier batch is written too. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const lines = this.#pending;
    const waiters = this.#waiters;
    this.#pending = [];
    this.#waiters = [];
    if (lines.length === 0) return this.#writing;
    this.#writing = this.#writing.then(() =>
      this.write(lines).then(
        () => waiters.forEach((waiter) => waiter.resolve()),
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      ),
    );
    // The chain itself never rejects: each batch's waiters hear about their own failure.
    return this.#writing;
  }
}
