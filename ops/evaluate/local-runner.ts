import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskLogger } from '../../sdk/context.ts';

/** Metrics an evaluation produced, such as `{ auc: 0.91, latency_ms: 12 }`. */
export type EvaluationMetrics = Record<string, number>;

export interface EvaluationRequest {
  /** Cancels the evaluation when the run is cancelled or the task times out. */
  signal?: AbortSignal | undefined;
  /** `challenger` or `champion`, for messages. */
  role?: string | undefined;
  /** Receives each line the evaluation prints on stdout and stderr: the task's log. */
  log?: TaskLogger | undefined;
}

/** Evaluates one model on the holdout set; the container runner plugs in here. */
export type RunEvaluation = (modelUri: string, holdoutPath: string, request?: EvaluationRequest) => Promise<EvaluationMetrics>;

export class EvaluationFailedError extends Error {
  override readonly name = 'EvaluationFailedError';
  constructor(
    readonly command: readonly string[],
    readonly modelUri: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    detail: string,
  ) {
    super(`evaluating ${modelUri} with \`${command.join(' ')}\` ${detail}${stderrTail ? `; stderr: ${stderrTail}` : ''}`);
  }
}

export interface LocalEvaluationOptions {
  /** Program and arguments, for example `['python', 'evaluate.py']`. */
  command: readonly string[];
  cwd?: string;
  /** Added to the current environment. */
  env?: Record<string, string>;
}

const STDERR_TAIL_BYTES = 2000;

function toPath(uriOrPath: string): string {
  return uriOrPath.startsWith('file:') ? fileURLToPath(uriOrPath) : path.resolve(uriOrPath);
}

/**
 * Runs an evaluation command as a local process with `MODEL_PATH`, `HOLDOUT_PATH` and
 * `OUTPUT_DIR` set, then reads the metrics the command wrote to `OUTPUT_DIR/metrics.json`.
 *
 * @example
 * const run = localProcessEvaluation({ command: ['python', 'eval.py'] });
 * const metrics = await run('file:///models/churn/4', '/data/holdout.parquet', { signal });
 */
export function localProcessEvaluation(options: LocalEvaluationOptions): RunEvaluation {
  const [program, ...args] = options.command;
  if (program === undefined) throw new TypeError('localProcessEvaluation needs a command');
  return async (modelUri, holdoutPath, request = {}) => {
    const outputDir = await mkdtemp(path.join(tmpdir(), 'weir-eval-'));
    try {
      const env = { ...process.env, ...options.env, MODEL_PATH: toPath(modelUri), HOLDOUT_PATH: toPath(holdoutPath), OUTPUT_DIR: outputDir };
      const fail = (exitCode: number | null, stderr: string, detail: string) => new EvaluationFailedError(options.command, modelUri, exitCode, stderr.trim(), detail);
      const { exitCode, stderr } = await runProcess(program, args, { cwd: options.cwd, env, signal: request.signal, log: request.log, role: request.role });
      if (exitCode !== 0) throw fail(exitCode, stderr, `exited with code ${exitCode}`);
      let text: string;
      try {
        text = await readFile(path.join(outputDir, 'metrics.json'), 'utf8');
      } catch {
        throw fail(exitCode, stderr, 'exited 0 but wrote no $OUTPUT_DIR/metrics.json');
      }
      return parseMetrics(text, (detail) => fail(exitCode, stderr, detail));
    } finally {
      await rm(outputDir, { recursive: true, force: true });
    }
  };
}

export function parseMetrics(text: string, fail: (detail: string) => Error): EvaluationMetrics {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fail(`wrote metrics.json that is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail('wrote metrics.json that is not a JSON object');
  const metrics: EvaluationMetrics = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`wrote metric "${key}" = ${JSON.stringify(value)}, not a finite number`);
    metrics[key] = value;
  }
  return metrics;
}

function runProcess(
  program: string,
  args: readonly string[],
  options: { cwd: string | undefined; env: NodeJS.ProcessEnv; signal: AbortSignal | undefined; log?: TaskLogger | undefined; role?: string | undefined },
): Promise<{ exitCode: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal } : {}) });
    let stderr = '';
    const attrs = (stream: string) => ({ stream, ...(options.role ? { role: options.role } : {}) });
    const stdoutLines = lineSplitter((line) => options.log?.info(line, attrs('stdout')));
    const stderrLines = lineSplitter((line) => options.log?.info(line, attrs('stderr')));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', stdoutLines.push);
    child.stderr.setEncoding('utf8');
    // Keep only the tail: the last lines of a failing script say what went wrong.
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
      stderrLines.push(chunk);
    });
    child.once('error', (error) => reject(error));
    child.once('close', (exitCode) => {
      stdoutLines.end();
      stderrLines.end();
      resolve({ exitCode, stderr });
    });
  });
}

/** Cuts a stream's text into lines; a line without a newline at the end is given at `end()`. */
function lineSplitter(onLine: (line: string) => void): { push: (chunk: string) => void; end: () => void } {
  let partial = '';
  return {
    push: (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) onLine(line.replace(/\r$/, ''));
    },
    end: () => {
      if (partial !== '') onLine(partial);
      partial = '';
    },
  };
}
