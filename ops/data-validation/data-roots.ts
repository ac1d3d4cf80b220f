import { constants } from 'node:fs';
import { open, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { NonRetryableError } from '../../sdk/errors.ts';

/** A data file an operator may not read: outside every data root, or not a regular file. */
export class DataPathRefusedError extends NonRetryableError {
  constructor(readonly file: string, readonly roots: readonly string[], readonly reason: string, shown: string = file) {
    super(`data file ${shown} ${reason}`);
    this.name = 'DataPathRefusedError';
  }
}

/**
 * The folders operators may read data from: the artifact root (when it is a local folder) and
 * each configured folder (`WEIR_DATA_ROOTS`, parsed by the worker's configuration; relative ones
 * from the working folder). With none configured, the working folder (the project) is the one
 * data root. The worker resolves them once and hands them to tasks as `ctx.services.dataRoots`.
 *
 * @example
 * resolveDataRoots(['/data', '/mnt/exports'], '/srv/weir/artifacts')
 * // ['/srv/weir/artifacts', '/data', '/mnt/exports']
 */
export function resolveDataRoots(configured: readonly string[] | undefined, artifactRoot: string | undefined, cwd = process.cwd()): string[] {
  const roots = configured !== undefined && configured.length > 0 ? configured.map((entry) => path.resolve(cwd, entry)) : [path.resolve(cwd)];
  const local = artifactRoot !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(artifactRoot) ? [path.resolve(artifactRoot)] : [];
  return [...new Set([...local, ...roots])];
}

/**
 * Checks that `file` may be read as data: its real path (symlinks resolved) lies inside one of
 * `roots`, and it is a regular file. A FIFO, device or folder is refused from `stat` alone,
 * before anything opens it; the file is then opened non-blocking (so a FIFO swapped in since
 * cannot hang), and the path the kernel really opened is checked again. Returns that real path,
 * for the reader to use.
 */
export async function checkDataFile(file: string, roots: readonly string[]): Promise<string> {
  // A line break or NUL in a name is never a data file, and would split the error it is named in.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(file)) throw new DataPathRefusedError(file, roots, 'has a control character in its name', JSON.stringify(file));
  const shownRoots = roots.join(', ');
  const outside = (actual: string) =>
    new DataPathRefusedError(file, roots, `is outside the data roots (${shownRoots})${actual === file ? '' : `: it resolves to ${actual}`}; add its folder to WEIR_DATA_ROOTS to allow it`);
  const info = await stat(file);
  if (!info.isFile()) throw new DataPathRefusedError(file, roots, `is not a regular file (${kindOf(info)}); only regular files are read as data`);
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => path.resolve(root))));
  const inside = (actual: string) => realRoots.some((root) => actual === root || actual.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  const real = await realpath(file);
  if (!inside(real)) throw outside(real);
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => real);
    if (!inside(opened)) throw outside(opened);
    if (!(await handle.stat()).isFile()) throw new DataPathRefusedError(file, roots, 'is not a regular file; only regular files are read as data');
  } finally {
    await handle.close();
  }
  return real;
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}
