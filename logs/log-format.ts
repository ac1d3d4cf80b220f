import { pino, type Logger as Pino } from 'pino';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import type { LogLevel } from './tables.ts';
import { formatTerminalLine, type AttemptIdentity } from './terminal-line.ts';

/** `text`: one readable line per entry; `json`: one JSON object per line, for log collectors. */
export type LogFormat = 'text' | 'json';

/** Where a worker's lines go: its own, and each task log entry with the attempt it belongs to. */
export interface WorkerLogger {
  line(text: string): void;
  entry(identity: AttemptIdentity, level: LogLevel, message: string, attrs?: Record<string, unknown>): void;
  /** The Temporal SDK's own log, in the same format (text: the SDK's default). */
  temporal?: TemporalLogger;
}

/**
 * A worker logger that writes through `write`, one line per entry. In `json`, each line is a
 * pino object with `time`, `level`, `msg`, and for task entries `runId`, `dagId`, `taskId`,
 * `mapIndex`, `attempt` and the entry's `attrs`.
 *
 * @example
 * const logger = createWorkerLogger('json', (line) => process.stdout.write(`${line}\n`));
 */
export function createWorkerLogger(format: LogFormat, write: (line: string) => void): WorkerLogger {
  if (format === 'text') return { line: write, entry: (identity, level, message, attrs) => write(formatTerminalLine(identity, level, message, attrs)) };
  const json = pino(
    { base: { service: 'weir-worker' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    { write: (chunk: string) => write(chunk.trimEnd()) },
  );
  return {
    line: (text) => json.info(text),
    entry: (identity, level, message, attrs) => json[level]({ ...identity, ...(attrs ? { attrs } : {}) }, message),
    temporal: new PinoTemporalLogger(json.child({ component: 'temporal-sdk' })),
  };
}

const PINO_LEVEL: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The Temporal SDK's logger interface over pino, so the SDK's entries are JSON lines too. */
class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly json: Pino) {}
  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    this.json[PINO_LEVEL[level]](meta ? { meta } : {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
