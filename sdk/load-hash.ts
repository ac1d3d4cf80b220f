import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

// Apart from the compiler, so a load whose results all come from the cache never imports esbuild.

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function relativeName(file: string, baseDir: string): string {
  return path.relative(baseDir, file) || path.basename(file);
}

/** Hashes each source once per compile; sources are read after esbuild read them (see README: cache). */
export function memoizedHash(): (file: string) => Promise<string | null> {
  const seen = new Map<string, Promise<string | null>>();
  return (file) => {
    let hash = seen.get(file);
    if (!hash) {
      hash = readFile(file, 'utf8').then(sha256, () => null);
      seen.set(file, hash);
    }
    return hash;
  };
}
