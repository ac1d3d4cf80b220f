import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** What /proc says about one process; null where /proc is missing (not Linux) or the pid is gone. */
export interface ProcessStat {
  state: string;
  pgrp: number;
  /** Clock ticks after boot at which it started: with the pid, it names a process uniquely. */
  startTicks: string;
}

export async function processStat(pid: number): Promise<ProcessStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name sits in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , pgrp] = fields;
  const startTicks = fields[19];
  if (state === undefined || pgrp === undefined || startTicks === undefined) return null;
  return { state, pgrp: Number(pgrp), startTicks };
}

export async function hasProc(): Promise<boolean> {
  return (await processStat(process.pid)) !== null;
}

/**
 * Pids of the group's members that still run. Zombies do not count: where nothing reaps
 * orphans (PID 1 in many containers), a killed job can stay a zombie forever.
 */
export async function livingGroupMembers(pgid: number): Promise<number[]> {
  if (!(await hasProc())) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? [pgid] : [];
    }
  }
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await processStat(Number(entry));
    if (stat !== null && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(Number(entry));
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await livingGroupMembers(pgid)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/**
 * SIGTERM to the whole group, so a shell's children die with it; SIGKILL to whatever is
 * left after `graceMs`. Resolves once no member runs, or throws if some survive SIGKILL.
 */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntilGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  if (await waitUntilGone(pgid, 5_000)) return;
  throw new Error(`process group ${pgid} still runs after SIGKILL: ${(await livingGroupMembers(pgid)).join(', ')}`);
}
