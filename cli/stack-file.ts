import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { weirHome } from '../infra/project-root.ts';
import { ConfigError, parseWeirEnv, temporalSettingsFromEnv, type TemporalSettings } from '../worker/config/index.ts';
import { CliError } from './errors.ts';
import { writePrivateFile } from './private-file.ts';

/** What `weir dev` records so that other commands in the same folder find its servers. */
export interface StackFile {
  temporalAddress: string;
  uiUrl: string;
  databaseUrl: string;
  /** The `weir dev` process; a dead pid means the file is left over from a crash. */
  pid: number;
}

type Env = Record<string, string | undefined>;

export class StackNotFoundError extends CliError {
  constructor(
    readonly variable: string,
    readonly stackFile: string,
    readonly stalePid: number | null,
  ) {
    const reason =
      stalePid === null
        ? `no dev stack found (${stackFile} is missing)`
        : `the dev stack recorded in ${stackFile} is not running (pid ${stalePid} has exited)`;
    super(`${reason}; run \`weir dev\` in this folder, or set ${variable}`);
    this.name = 'StackNotFoundError';
  }
}

export class StackFileCorruptError extends CliError {
  constructor(
    readonly stackFile: string,
    detail: string,
  ) {
    super(`${stackFile} is not a valid stack file (${detail}); delete it and run \`weir dev\` again`);
    this.name = 'StackFileCorruptError';
  }
}

export function stackFilePath(cwd: string): string {
  return path.join(weirHome(cwd), 'stack.json');
}

/** Mode 0600, written atomically: the file holds the Postgres URL with its password. */
export function writeStackFile(cwd: string, stack: StackFile): void {
  writePrivateFile(stackFilePath(cwd), `${JSON.stringify(stack, null, 2)}\n`);
}

/** Removes the stack file only if it is ours, so a stopping stack never deletes a newer one's file. */
export function removeStackFile(cwd: string, pid: number = process.pid): void {
  const stack = readStackFileIfPresent(cwd);
  if (stack?.pid === pid) rmSync(stackFilePath(cwd), { force: true });
}

export function readStackFileIfPresent(cwd: string): StackFile | null {
  const file = stackFilePath(cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StackFileCorruptError(file, (error as Error).message);
  }
  const candidate = parsed as Partial<StackFile> | null;
  if (
    typeof candidate?.temporalAddress !== 'string' ||
    typeof candidate.uiUrl !== 'string' ||
    typeof candidate.databaseUrl !== 'string' ||
    typeof candidate.pid !== 'number'
  ) {
    throw new StackFileCorruptError(file, 'expected temporalAddress, uiUrl, databaseUrl and pid');
  }
  return candidate as StackFile;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The stack file when its `weir dev` process still runs; null when there is none or it is stale. */
export function readLiveStackFile(cwd: string): StackFile | null {
  const stack = readStackFileIfPresent(cwd);
  return stack && isProcessAlive(stack.pid) ? stack : null;
}

function requireLiveStack(cwd: string, variable: string): StackFile {
  const stack = readStackFileIfPresent(cwd);
  if (stack && isProcessAlive(stack.pid)) return stack;
  throw new StackNotFoundError(variable, stackFilePath(cwd), stack?.pid ?? null);
}

/** TEMPORAL_ADDRESS (with its TLS and namespace variables) when set, else the dev stack's server. */
export function resolveTemporalSettings(env: Env, cwd: string): TemporalSettings {
  // The address may also come from Temporal's config file; only without one is the dev stack asked.
  let settings: TemporalSettings;
  try {
    settings = temporalSettingsFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError && error.variable === 'TEMPORAL_ADDRESS')) throw error;
    settings = temporalSettingsFromEnv(env, requireLiveStack(cwd, 'TEMPORAL_ADDRESS').temporalAddress);
  }
  return settings;
}

/** DATABASE_URL when set, else the dev stack's Postgres. */
export function resolveDatabaseUrl(env: Env, cwd: string): string {
  const configured = parseWeirEnv(env).DATABASE_URL;
  if (configured) return configured;
  return requireLiveStack(cwd, 'DATABASE_URL').databaseUrl;
}
