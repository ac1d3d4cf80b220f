import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SecretMask } from '../../logs/secret-mask.ts';
import type { TaskLogger } from '../../sdk/context.ts';

export type JobStream = 'stdout' | 'stderr';

const TAIL_LINES = 20;
// A job that prints without newlines must not grow memory without bound.
const MAX_LINE_CHARS = 16_384;

/**
 * Splits a job's stdout and stderr into lines, sends each to the task log and to the log
 * file, and keeps the last lines for error messages. Secret values are masked everywhere,
 * because a training script that echoes its environment must not leak them into artifacts.
 */
export class JobLogSink {
  lineCount = 0;
  readonly logUri: string;
  private readonly tail: string[] = [];
  private readonly partial: Record<JobStream, string> = { stdout: '', stderr: '' };
  private readonly file: WriteStream;
  private readonly mask: SecretMask;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly logFile: string,
    private readonly jobName: string,
    private readonly log: TaskLogger,
    secretValues: readonly string[],
    file: WriteStream,
  ) {
    this.logUri = pathToFileURL(logFile).href;
    this.file = file;
    this.mask = new SecretMask(secretValues);
  }

  static async open(logFile: string, jobName: string, log: TaskLogger, secretValues: readonly string[]): Promise<JobLogSink> {
    await mkdir(path.dirname(logFile), { recursive: true });
    const file = createWriteStream(logFile, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', reject);
    });
    return new JobLogSink(logFile, jobName, log, secretValues, file);
  }

  write(stream: JobStream, chunk: Buffer | string): void {
    if (this.closing !== undefined) return;
    let text = this.partial[stream] + chunk.toString();
    let newline: number;
    while ((newline = text.indexOf('\n')) !== -1) {
      this.emit(stream, text.slice(0, newline).replace(/\r$/, ''));
      text = text.slice(newline + 1);
    }
    while (text.length > MAX_LINE_CHARS) {
      this.emit(stream, text.slice(0, MAX_LINE_CHARS));
      text = text.slice(MAX_LINE_CHARS);
    }
    this.partial[stream] = text;
  }

  /** Adds a line of weir's own (not the job's), such as why the job was killed. */
  note(message: string): void {
    if (this.closing !== undefined) return;
    this.emit('stderr', `[weir] ${message}`);
  }

  logTail(): string {
    return this.tail.join('\n');
  }

  /** Flushes unterminated lines and closes the file; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (this.partial[stream] !== '') this.emit(stream, this.partial[stream]);
        this.partial[stream] = '';
      }
      await new Promise<void>((resolve, reject) => this.file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    })();
    return this.closing;
  }

  private emit(stream: JobStream, rawLine: string): void {
    const line = this.mask.text(rawLine);
    this.lineCount++;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.file.write(`${line}\n`);
    // Each line is also a task log line: stored per attempt, and shown by `weir logs`.
    this.log.info(line, { job: this.jobName, stream });
  }
}

/**
 * Heartbeats now and then every `intervalMs` until stopped, with the job name and how many
 * log lines it has printed, so the Temporal UI shows a job that is alive and talking.
 */
export function startHeartbeats(heartbeat: (details?: unknown) => void, details: () => Record<string, unknown>, intervalMs: number): () => void {
  const beat = () => {
    try {
      heartbeat(details());
    } catch {
      // Heartbeating outside an activity (tests, scripts) may throw; the job must go on.
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  return () => clearInterval(timer);
}
