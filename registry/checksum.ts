import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import { ArtifactUnavailableError } from './errors.ts';

export interface ArtifactDigest {
  sha256: string;
  sizeBytes: number;
}

/** The local path of a `file://` artifact URI. */
export function artifactPath(uri: string): string {
  if (!uri.startsWith('file:')) throw new ArtifactUnavailableError(uri, 'is not a file:// URI, and no artifact store for its scheme was given');
  try {
    return fileURLToPath(uri);
  } catch (error) {
    throw new ArtifactUnavailableError(uri, 'is not a valid file URI', { cause: error });
  }
}

/**
 * sha256 and size of an artifact, streamed so a multi-gigabyte model never sits in memory. A
 * directory (a SavedModel, say) hashes as a manifest of its files' relative paths and digests,
 * so the result does not depend on the order the file system lists them in.
 *
 * A URI of `artifacts` (an `s3://` store, say) is streamed from the store, object by object for a
 * prefix, with the same manifest, so a model hashes alike in either backend.
 *
 * @example
 * const { sha256, sizeBytes } = await digestArtifact('file:///models/churn/model.onnx');
 */
export async function digestArtifact(uri: string, artifacts?: ArtifactStore): Promise<ArtifactDigest> {
  if (artifacts && !uri.startsWith('file:') && artifacts.isStoreUri(uri)) return digestStoredArtifact(uri, artifacts);
  const root = artifactPath(uri);
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ArtifactUnavailableError(uri, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`, { cause: error });
  }
  if (info.isFile()) {
    if (info.size === 0) throw new ArtifactUnavailableError(uri, 'is an empty file, which cannot be a trained model');
    return { sha256: await hashFile(uri, root), sizeBytes: info.size };
  }
  if (!info.isDirectory()) throw new ArtifactUnavailableError(uri, 'is neither a file nor a directory');

  const files = (await listFiles(root)).sort();
  if (files.length === 0) throw new ArtifactUnavailableError(uri, 'is an empty directory, which cannot be a trained model');
  const manifest = createHash('sha256');
  let sizeBytes = 0;
  for (const relative of files) {
    const file = path.join(root, relative);
    manifest.update(`${relative.split(path.sep).join('/')}\0${await hashFile(uri, file)}\n`);
    sizeBytes += (await stat(file)).size;
  }
  return { sha256: manifest.digest('hex'), sizeBytes };
}

async function digestStoredArtifact(uri: string, artifacts: ArtifactStore): Promise<ArtifactDigest> {
  let key: string;
  try {
    key = artifacts.keyOf(uri);
  } catch (error) {
    throw new ArtifactUnavailableError(uri, (error as Error).message, { cause: error });
  }
  const object = await artifacts.stat(key);
  if (object) {
    if (object.sizeBytes === 0) throw new ArtifactUnavailableError(uri, 'is an empty file, which cannot be a trained model');
    return { sha256: await hashStream(uri, () => artifacts.openRead(key)), sizeBytes: object.sizeBytes };
  }
  const files = await artifacts.list(key);
  if (files.length === 0) throw new ArtifactUnavailableError(uri, 'does not exist');
  // Sorted as the local manifest sorts relative paths (path.sep is `/` here).
  const manifest = createHash('sha256');
  let sizeBytes = 0;
  for (const relative of [...files].sort()) {
    const child = key === '' ? relative : `${key}/${relative}`;
    manifest.update(`${relative}\0${await hashStream(uri, () => artifacts.openRead(child))}\n`);
    sizeBytes += (await artifacts.stat(child))?.sizeBytes ?? 0;
  }
  return { sha256: manifest.digest('hex'), sizeBytes };
}

async function hashStream(uri: string, openStream: () => Promise<Readable>): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of await openStream()) hash.update(chunk as Buffer);
  } catch (error) {
    throw new ArtifactUnavailableError(uri, `could not be read (${(error as Error).message})`, { cause: error });
  }
  return hash.digest('hex');
}

async function hashFile(uri: string, file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new ArtifactUnavailableError(uri, `could not be read (${(error as Error).message})`, { cause: error });
  }
  return hash.digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path.join(dir, entry.name), relative)));
    else if (entry.isFile()) found.push(relative);
  }
  return found;
}
