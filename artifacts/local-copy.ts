import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';

/**
 * Runs `use` on a local path for `file`. A URI of a remote artifact store (`s3://…`) is first
 * streamed to a private temp folder, which `use` receives as `copyDir` and which is removed
 * afterwards; local paths and `file://` URIs are passed through as they are.
 */
export async function withLocalCopy<T>(artifacts: ArtifactStore, file: string, use: (local: string, copyDir: string | undefined) => Promise<T>): Promise<T> {
  if (artifacts.isLocal || !artifacts.isStoreUri(file)) return use(file, undefined);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-data-'));
  try {
    const key = artifacts.keyOf(file);
    const local = path.join(dir, path.posix.basename(key) || 'data');
    await artifacts.download(file, local);
    return await use(local, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
