import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The folder that holds weir's own package.json, whatever the caller's cwd is.
 * Walking up from this file keeps it right under tsx, vitest and a packed install alike.
 */
export function projectRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && isWeirManifest(manifest)) {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find weir's package.json above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
}

function isWeirManifest(file: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === 'weir';
  } catch {
    return false;
  }
}

/**
 * State folder of the dev stack (Temporal's SQLite file, Postgres data, outbox...).
 * It belongs to the user's project, so it follows the cwd, not weir's install folder.
 *
 * @example weirHome('/home/me/ml') // '/home/me/ml/.weir'
 */
export function weirHome(cwd: string = process.cwd()): string {
  return path.join(cwd, '.weir');
}
