import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, writeSync, fsyncSync, renameSync, rmSync, chmodSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file only its owner may read (mode 0600), atomically: the content goes to a new
 * temporary file created with that mode, then is renamed over the target. A reader never sees
 * half a file, and there is no moment at which the content is readable by others.
 *
 * @example
 * writePrivateFile('.weir/stack.json', JSON.stringify(stack));
 */
export function writePrivateFile(file: string, content: string): void {
  // The folder keeps its usual mode: as root, Postgres (as user postgres) must still enter .weir/.
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': a fresh file, so the mode applies; umask can only remove bits, never add them.
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
