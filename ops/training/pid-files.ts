import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { killProcessGroup, livingGroupMembers, processStat } from './process-group.ts';

/** What a running local job leaves on disk so the next attempt can find it after a worker crash. */
export interface PidRecord {
  pid: number;
  name: string;
  attempt: number;
  host: string;
  bootId: string | null;
  startTicks: string | null;
  startedAt: string;
}

async function bootId(): Promise<string | null> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return null;
  }
}

/** One JSON file per job key in a machine-local state folder. */
export class JobPidFiles {
  constructor(readonly stateDir: string) {}

  private fileFor(key: string): string {
    return path.join(this.stateDir, `${key}.pid.json`);
  }

  async read(key: string): Promise<PidRecord | null> {
    try {
      return JSON.parse(await readFile(this.fileFor(key), 'utf8')) as PidRecord;
    } catch {
      return null;
    }
  }

  async record(key: string, pid: number, name: string, attempt: number): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    const record: PidRecord = {
      pid,
      name,
      attempt,
      host: hostname(),
      bootId: await bootId(),
      startTicks: (await processStat(pid))?.startTicks ?? null,
      startedAt: new Date().toISOString(),
    };
    await writeFile(this.fileFor(key), `${JSON.stringify(record)}\n`);
  }

  /** Removes the record, unless a newer attempt has replaced it meanwhile. */
  async clear(key: string, pid: number): Promise<void> {
    const current = await this.read(key);
    if (current?.pid === pid) await rm(this.fileFor(key), { force: true });
  }

  /**
   * Kills the process group an earlier attempt of `key` left running, if it is still the same
   * one: a state folder on shared storage, a reboot or a reused pid must never get an
   * unrelated process killed. Returns the record of what was killed.
   */
  async killOrphan(key: string, graceMs: number): Promise<PidRecord | null> {
    const record = await this.read(key);
    // Another machine's job: neither ours to kill nor ours to forget.
    if (record === null || record.host !== hostname()) return null;
    const stale = record.bootId !== (await bootId());
    let ours = !stale && (await livingGroupMembers(record.pid)).length > 0;
    if (ours && record.startTicks !== null) {
      // A living leader with another start time is a new process that got the old pid.
      const leader = await processStat(record.pid);
      if (leader !== null && leader.state !== 'Z' && leader.startTicks !== record.startTicks) ours = false;
    }
    if (ours) await killProcessGroup(record.pid, graceMs);
    await rm(this.fileFor(key), { force: true });
    return ours ? record : null;
  }
}
