import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { StackFile } from '../cli/stack-file.ts';
import { testStack } from './stack.ts';

const WEIR = fileURLToPath(new URL('../bin/weir.mjs', import.meta.url));

/** A `weir dev` child process started by a test, with everything it printed so far. */
export interface DevProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves once `weir dev` says it is serving; rejects with its output if it exits first or takes too long. */
  ready: (timeoutMs?: number) => Promise<void>;
}

/**
 * Starts `weir --dags <dagsDir> dev` in `cwd` with a bare environment (PATH, HOME, the test
 * stack's temporal binary, a 1 s shutdown grace). `detached` puts it in its own process group,
 * so a test can look for what it leaves behind there.
 */
export function startWeirDev(options: { dagsDir: string; cwd: string; port: number; uiPort: number; detached?: boolean }): DevProcess {
  const child = spawn(process.execPath, [WEIR, '--dags', options.dagsDir, 'dev', '--port', String(options.port), '--ui-port', String(options.uiPort)], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', WEIR_TEMPORAL_BIN: testStack().temporalBin, WEIR_SHUTDOWN_GRACE: '1s' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = async (timeoutMs = 180_000) => {
    for (const started = Date.now(); !output.includes('Press Ctrl-C to stop.'); await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`weir dev exited early:\n${output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`weir dev did not start within ${timeoutMs} ms:\n${output}`);
    }
  };
  return { child, output: () => output, exited, ready };
}

/** Running, and not a zombie waiting to be reaped. */
export function processRuns(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids of the Temporal and Postgres servers a `weir dev` with this `.weir` folder started. */
export function devServerPids(home: string): { temporal: number; postgres: number } {
  const temporal = (JSON.parse(readFileSync(path.join(home, 'dev-processes.json'), 'utf8')) as { temporal: { pid: number } }).temporal.pid;
  const postgres = Number(readFileSync(path.join(home, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return { temporal, postgres };
}

/**
 * Checks that `weir dev` kept its credentials private: stack.json and postgres.json are for their
 * owner only, and the Postgres password is this folder's own, not a default. Returns the stack file.
 */
export function expectPrivateDevCredentials(home: string): StackFile {
  const mode = (file: string) => statSync(file).mode & 0o777;
  const stack = JSON.parse(readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackFile;
  expect(mode(path.join(home, 'stack.json'))).toBe(0o600);
  expect(mode(path.join(home, 'postgres.json'))).toBe(0o600);
  const password = decodeURIComponent(new URL(stack.databaseUrl).password);
  expect(password).not.toBe('weir');
  expect(password.length).toBeGreaterThanOrEqual(24);
  return stack;
}
