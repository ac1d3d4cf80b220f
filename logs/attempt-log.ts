import type { TaskLogger } from '../sdk/context.ts';
import { NO_SECRETS, type SecretMask } from './secret-mask.ts';
import type { TaskLogLine } from './store.ts';
import type { LogLevel } from './tables.ts';
import { formatTerminalLine, type AttemptIdentity } from './terminal-line.ts';

/** How much one attempt may store; beyond it lines are dropped and a marker says so. */
export interface AttemptLogLimits {
  maxLines: number;
  maxBytes: number;
}

export const DEFAULT_ATTEMPT_LOG_LIMITS: AttemptLogLimits = { maxLines: 10_000, maxBytes: 4 * 1024 * 1024 };

export interface AttemptLogOptions {
  identity: AttemptIdentity;
  /** Stores a line; resolves once it is written. */
  store: (line: TaskLogLine) => Promise<void>;
  /** Asks the store to write what is waiting now rather than at its next batch. */
  flush?: () => Promise<void>;
  /** Prints one line on the worker's terminal. */
  print: (line: string) => void;
  /** Prints the entry itself instead (a structured log, WEIR_LOG_FORMAT=json); `print` is then unused. */
  printEntry?: (identity: AttemptIdentity, level: LogLevel, message: string, attrs?: Record<string, unknown>) => void;
  mask?: SecretMask;
  limits?: AttemptLogLimits;
  /** Called when a store write fails; the task goes on. */
  onStoreError?: (error: unknown) => void;
  /** How long `close()` waits for the store before giving up on the lines; default 5 s. */
  closeTimeoutMs?: number;
}

/**
 * The `ctx.log` of one task attempt. Each entry is masked, printed as one terminal line and
 * stored, up to the attempt's limits. `close()` waits for the stored lines to be written.
 */
export class AttemptLog implements TaskLogger {
  #lines = 0;
  #bytes = 0;
  #droppedLines = 0;
  #droppedBytes = 0;
  #writes = new Set<Promise<void>>();
  #storeFailed = false;
  readonly #mask: SecretMask;
  readonly #limits: AttemptLogLimits;

  constructor(private readonly options: AttemptLogOptions) {
    this.#mask = options.mask ?? NO_SECRETS;
    this.#limits = options.limits ?? DEFAULT_ATTEMPT_LOG_LIMITS;
  }

  debug(message: string, attrs?: Record<string, unknown>): void {
    this.write('debug', message, attrs);
  }

  info(message: string, attrs?: Record<string, unknown>): void {
    this.write('info', message, attrs);
  }

  warn(message: string, attrs?: Record<string, unknown>): void {
    this.write('warn', message, attrs);
  }

  error(message: string, attrs?: Record<string, unknown>): void {
    this.write('error', message, attrs);
  }

  write(level: LogLevel, rawMessage: unknown, rawAttrs?: Record<string, unknown>): void {
    const message = this.#mask.text(String(rawMessage));
    const attrs = rawAttrs === undefined ? undefined : this.#mask.value(plainAttrs(rawAttrs));
    if (this.options.printEntry) this.options.printEntry(this.options.identity, level, message, attrs);
    else this.options.print(formatTerminalLine(this.options.identity, level, message, attrs));
    const bytes = Buffer.byteLength(message) + (attrs ? Buffer.byteLength(JSON.stringify(attrs)) : 0);
    if (this.#lines + 1 > this.#limits.maxLines || this.#bytes + bytes > this.#limits.maxBytes) {
      if (this.#droppedLines === 0) {
        this.#store('warn', `[weir] log limit of this attempt reached (${this.#limits.maxLines} lines or ${this.#limits.maxBytes} bytes); later lines are dropped`);
      }
      this.#droppedLines++;
      this.#droppedBytes += bytes;
      return;
    }
    this.#lines++;
    this.#bytes += bytes;
    this.#store(level, message, attrs);
  }

  /** Adds the count of dropped lines, if any, and waits until every stored line is written. */
  async close(): Promise<void> {
    if (this.#droppedLines > 0) {
      this.#store('warn', `[weir] ${this.#droppedLines} line(s) (${this.#droppedBytes} bytes) were dropped here by the log limit`);
    }
    if (this.#writes.size === 0) return;
    void this.options.flush?.().catch(() => {});
    // A store that hangs (a partitioned database) must not hold the task's result back for long.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs ?? 5_000)));
    await Promise.race([Promise.all([...this.#writes]), timeout]);
    clearTimeout(timer);
  }

  #store(level: LogLevel, message: string, attrs?: Record<string, unknown>): void {
    const { runId, taskId, mapIndex, attempt } = this.options.identity;
    const line: TaskLogLine = { runId, taskId, mapIndex, attempt, at: new Date().toISOString(), level, message, ...(attrs ? { attrs } : {}) };
    const write = this.options.store(line).catch((error: unknown) => {
      // One report per attempt: a database that is down must not flood the terminal.
      if (this.#storeFailed) return;
      this.#storeFailed = true;
      this.options.onStoreError?.(error);
    });
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }
}

/** Attributes as plain JSON: errors become their name and message, what JSON cannot hold a string. */
function plainAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(attrs, (_key, value: unknown) => {
        if (value instanceof Error) return { name: value.name, message: value.message };
        if (typeof value === 'bigint') return value.toString();
        return value;
      }),
    ) as Record<string, unknown>;
  } catch {
    return { attrs: String(attrs) };
  }
}
