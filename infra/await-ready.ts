import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server process whose stdout and stderr go to a log file. */
export interface LoggedProcess {
  child: ChildProcess;
  /** Resolves (never rejects) with how the process ended: `exited with code 1`, `could not start: …`. */
  exited: Promise<string>;
  /** True once the process has ended or failed to start. */
  hasEnded(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; returns at once when the process already ended. */
  stop(): Promise<void>;
}

export interface LoggedProcessOptions {
  /** Appended to; a file, not a pipe, so the server never blocks on a full pipe nobody reads. */
  logFile: string;
  /** The environment; this process's when omitted. */
  env?: NodeJS.ProcessEnv;
}

/** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts `command` with its output appended to `logFile`. The process is sent SIGTERM when
 * this process exits, so a crashed test run or CLI leaves no orphan holding ports or sockets.
 *
 * @example
 * const server = startLoggedProcess('temporal', ['server', 'start-dev'], { logFile: 'server.log' });
 * const notReady = await awaitReady(server, probe, { timeoutMs: 60_000, intervalMs: 250 });
 */
export function startLoggedProcess(command: string, args: readonly string[], options: LoggedProcessOptions): LoggedProcess {
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { env: options.env, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let endedHow: string | null = null;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code ?? 'unknown'}`}`));
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
  });
  void exited.then((how) => (endedHow = how));
  const hasEnded = () => endedHow !== null || child.exitCode !== null || child.signalCode !== null;
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (hasEnded()) return;
    child.kill('SIGTERM');
    const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS, undefined, { ref: false }).then(() => false)]);
    if (!graceful) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { child, exited, hasEnded, stop };
}

/** Why a process did not become ready: it ended first, or it still was not ready when time ran out. */
export type NotReady = { exited: string } | { timedOut: string };

/**
 * What a readiness probe says: null when ready, else what is still missing. A probe that
 * throws counts as not ready, with the error's message.
 */
export type ReadinessProbe = () => Promise<string | null>;

/**
 * Polls `probe` until it reports ready, the process ends, or `timeoutMs` passes; null means
 * ready. A process that ended right after the probe answered is not ready: whoever answered
 * may be someone else already listening there. The process is left running either way.
 *
 * @example
 * const notReady = await awaitReady(server, () => ping(socketPath), { timeoutMs: 30_000, intervalMs: 100 });
 * if (notReady !== null) await server.stop();
 */
export async function awaitReady(server: LoggedProcess, probe: ReadinessProbe, options: { timeoutMs: number; intervalMs: number }): Promise<NotReady | null> {
  const deadline = Date.now() + options.timeoutMs;
  const ended = server.exited.then((how) => ({ exited: how }));
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const answer = await Promise.race([
      probe().then(
        (problem) => ({ problem }),
        (error: unknown) => ({ problem: errorMessage(error) }),
      ),
      ended,
    ]);
    if ('exited' in answer) return answer;
    if (answer.problem === null) return server.hasEnded() ? await ended : null;
    lastProblem = answer.problem;
    const waited = await Promise.race([sleep(options.intervalMs).then(() => null), ended]);
    if (waited !== null) return waited;
  }
  return { timedOut: lastProblem };
}

/** The last `lines` lines of a log file, or a note that there is none. */
export async function logTail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
