import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');

/** A line of a Node stack trace: what a user must never see without --verbose. */
export const STACK_LINE = /^\s+at .+/m;

export interface WeirResult {
  argv: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The command was still running at the deadline, and was killed with its process group. */
  hung: boolean;
  /** Processes of the command's group still alive after it exited (orphans it left behind). */
  leftovers: number[];
}

export interface WeirOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra `node` flags, e.g. a small `--max-old-space-size` to prove a command's memory is bounded. */
  nodeArgs?: string[];
  /** Bounds a hang; default 90 s. The test fails on it as a hang, not on its own timeout. */
  deadlineMs?: number;
}

/**
 * The real `weir` command (bin/weir.mjs, the compiled dist/ a user runs) as a child process in a
 * process group of its own, so that after it exits the test can tell whether it left anything
 * running. Only a few variables are passed on, as a user's shell would have them.
 *
 * @example
 * const result = await runWeir(['runs', 'cancel', runId], { env: stackEnv(queue) });
 * expectOneLineFailure(result, /already closed/);
 */
export async function runWeir(argv: readonly string[], options: WeirOptions = {}): Promise<WeirResult> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), WEIR, ...argv], {
    cwd: options.cwd ?? REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    killGroup(child.pid);
  }, options.deadlineMs ?? 90_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  const leftovers = await groupMembers(child.pid);
  // Never let one failing case leave processes behind for the next.
  if (leftovers.length > 0) killGroup(child.pid);
  return { argv, code, signal, stdout, stderr, hung, leftovers };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Live members of process group `pgid`, after a short grace for exiting children to be reaped. */
async function groupMembers(pgid: number | undefined): Promise<number[]> {
  if (pgid === undefined) return [];
  for (let attempt = 0; ; attempt++) {
    const { readdir, readFile } = await import('node:fs/promises');
    const members: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
    }
    if (members.length === 0 || attempt >= 20) return members;
    await sleep(100);
  }
}

export const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

/** What every outcome keeps: it ended by itself, left no process behind, and printed no stack trace. */
export function expectContained(result: WeirResult): void {
  const what = `weir ${result.argv.join(' ')}`;
  expect(result.hung, `${what} hung`).toBe(false);
  expect(result.leftovers, `${what} left processes running`).toEqual([]);
  expect(result.signal, `${what} died of a signal`).toBeNull();
  expect(result.stderr, `${what} printed a stack trace`).not.toMatch(STACK_LINE);
  expect(result.stdout, `${what} printed a stack trace`).not.toMatch(STACK_LINE);
}

/** Exit 1 with exactly one `weir: ...` line on stderr, naming the offender. */
export function expectOneLineFailure(result: WeirResult, offender: string | RegExp): string {
  expectContained(result);
  const what = `weir ${result.argv.join(' ')}`;
  expect(result.code, `${what}: ${result.stderr}`).toBe(1);
  const errorLines = lines(result.stderr);
  expect(errorLines, `${what} must print one error line`).toHaveLength(1);
  const [line] = errorLines as [string];
  expect(line.startsWith('weir: '), line).toBe(true);
  if (typeof offender === 'string') expect(line).toContain(offender);
  else expect(line).toMatch(offender);
  return line;
}
