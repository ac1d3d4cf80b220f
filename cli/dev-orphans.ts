import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobPidFiles } from '../ops/training/pid-files.ts';
import { processStat } from '../ops/training/process-group.ts';
import { stopLeftoverPostmaster } from '../infra/postgres-access.ts';
import { writePrivateFile } from './private-file.ts';

/** A process a `weir dev` started, named by pid and start time so a recycled pid is never mistaken for it. */
export interface RecordedProcess {
  pid: number;
  /** Clock ticks after boot at which it started (/proc/<pid>/stat); null where there is no /proc. */
  startTicks: string | null;
}

/** What `.weir/dev-processes.json` holds while a dev stack runs. */
export interface DevProcesses {
  weir: RecordedProcess;
  temporal?: RecordedProcess;
}

const GRACE_MS = 10_000;

export function devProcessesPath(home: string): string {
  return path.join(home, 'dev-processes.json');
}

export async function describeProcess(pid: number): Promise<RecordedProcess> {
  return { pid, startTicks: (await processStat(pid))?.startTicks ?? null };
}

/** Records the processes of this run as they start, so that a run killed with SIGKILL can be cleaned up by the next. */
export function recordDevProcesses(home: string, processes: DevProcesses): void {
  writePrivateFile(devProcessesPath(home), `${JSON.stringify(processes, null, 2)}\n`);
}

export function forgetDevProcesses(home: string, ownPid: number = process.pid): void {
  if (readDevProcesses(home)?.weir.pid === ownPid) rmSync(devProcessesPath(home), { force: true });
}

export function readDevProcesses(home: string): DevProcesses | null {
  try {
    return JSON.parse(readFileSync(devProcessesPath(home), 'utf8')) as DevProcesses;
  } catch {
    return null;
  }
}

/** True when the recorded process still runs and is the same one (same start time). */
export async function isSameProcessAlive(recorded: RecordedProcess): Promise<boolean> {
  const stat = await processStat(recorded.pid);
  if (stat === null) {
    if (recorded.startTicks !== null) return false;
    try {
      process.kill(recorded.pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return recorded.startTicks === null || stat.startTicks === recorded.startTicks;
}

/**
 * Stops what the last `weir dev` in this folder left running when it was killed (SIGKILL, a
 * power cut): its Temporal server, its Postgres (whose pid is in the data folder) and the
 * training jobs it started, so their ports are free again. Returns one line per process
 * stopped. Does nothing while that `weir dev` still runs.
 */
export async function stopDevOrphans(home: string): Promise<string[]> {
  const stopped: string[] = [];
  const last = readDevProcesses(home);
  if (last && (await isSameProcessAlive(last.weir))) return stopped;
  if (last?.temporal && (await isSameProcessAlive(last.temporal))) {
    await stopProcess(last.temporal);
    stopped.push(`stopped the Temporal server (pid ${last.temporal.pid}) left running by an earlier weir dev (pid ${last.weir.pid})`);
  }
  const postmaster = await stopLeftoverPostmaster(path.join(home, 'postgres'));
  if (postmaster !== null) stopped.push(`stopped the Postgres server (pid ${postmaster}) left running by an earlier weir dev`);
  const jobs = new JobPidFiles(path.join(home, 'training-jobs'));
  for (const file of pidFilesIn(jobs.stateDir)) {
    const key = file.replace(/\.pid\.json$/, '');
    const record = await jobs.read(key);
    // A job whose parent still runs belongs to a live worker in this folder (`weir worker`), not to the dead stack.
    if (record === null || !isOrphaned(record.pid)) continue;
    const killed = await jobs.killOrphan(key, GRACE_MS);
    if (killed) stopped.push(`stopped training job ${killed.name} (process group ${killed.pid}) left running by an earlier weir dev`);
  }
  rmSync(devProcessesPath(home), { force: true });
  return stopped;
}

/** Its parent died: the kernel handed it to init (pid 1), as happens to every child of a killed weir dev. */
function isOrphaned(pid: number): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) === 1;
  } catch {
    return false;
  }
}

function pidFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.pid.json'));
  } catch {
    return [];
  }
}

async function stopProcess(recorded: RecordedProcess): Promise<void> {
  send(recorded.pid, 'SIGTERM');
  for (const deadline = Date.now() + GRACE_MS; Date.now() < deadline; await sleep(100)) {
    if (!(await isSameProcessAlive(recorded))) return;
  }
  send(recorded.pid, 'SIGKILL');
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(100)) {
    if (!(await isSameProcessAlive(recorded))) return;
  }
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
