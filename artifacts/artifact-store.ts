import type { Readable } from 'node:stream';

/** An artifact URI or key that points outside the store's root or bucket prefix, or cannot be read as one. */
export class ArtifactPathError extends Error {
  constructor(readonly uri: string, readonly root: string, readonly reason: string) {
    super(`artifact "${uri}" ${reason} (artifact root: ${root})`);
    this.name = 'ArtifactPathError';
  }
}

/** An artifact the store was asked to read does not exist. */
export class ArtifactNotFoundError extends Error {
  constructor(readonly uri: string) {
    super(`artifact ${uri} does not exist`);
    this.name = 'ArtifactNotFoundError';
  }
}

/**
 * What selects and configures an artifact store; the worker's configuration
 * (worker/config, `WEIR_ARTIFACT_ROOT`, `WEIR_S3_*`) builds it. Credentials are not here: they
 * come from the AWS SDK's standard chain.
 */
export interface ArtifactSettings {
  /** A folder, or `s3://bucket/prefix`. */
  root: string;
  s3?: { region?: string; endpoint?: string; forcePathStyle?: boolean };
}

export interface ArtifactInfo {
  sizeBytes: number;
}

/**
 * Where tasks keep datasets, models and reports, so big data never passes through workflow
 * history: tasks pass the URI instead. Keys are `/`-separated paths such as
 * `runs/<runId>/<taskId>/report.json`; every key and URI is confined to the store's root
 * (a local folder) or bucket prefix (S3), and anything outside is an `ArtifactPathError`.
 *
 * Two backends: `FileArtifactStore` (artifacts/store.ts) and `S3ArtifactStore`
 * (artifacts/s3-store.ts); `createArtifactStore` (artifacts/index.ts) picks one from settings.
 */
export interface ArtifactStore {
  /** The folder path, or `s3://bucket/prefix`. */
  readonly root: string;
  /** Whether artifacts are local files a process on this machine can open by path. */
  readonly isLocal: boolean;
  /** The settings that reach this store, for a process elsewhere (a training pod) to open it too. */
  readonly settings: ArtifactSettings;
  /** The URI of a key: `file:///…` or `s3://bucket/prefix/key`. */
  uriFor(key: string): string;
  /** The key of a URI or key, refusing anything outside the root. */
  keyOf(uriOrKey: string): string;
  /** True when the value is a URI of this store's scheme (whether or not it is inside the root). */
  isStoreUri(value: string): boolean;
  write(key: string, data: string | Uint8Array): Promise<string>;
  writeJson(key: string, value: unknown): Promise<string>;
  readText(uriOrKey: string): Promise<string>;
  /** Streams a local file into the store, in constant memory; returns its URI. */
  upload(key: string, localFile: string): Promise<string>;
  /** Streams an artifact to a local file (created or replaced), in constant memory. */
  download(uriOrKey: string, localFile: string): Promise<void>;
  /** A stream of the artifact's bytes. */
  openRead(uriOrKey: string): Promise<Readable>;
  /** Size of an artifact, or null when no object (file) has that key. */
  stat(uriOrKey: string): Promise<ArtifactInfo | null>;
  /** Keys of every artifact under a prefix (a "folder"), relative to it, sorted. */
  list(prefixUriOrKey: string): Promise<string[]>;
}

/** Key prefix for everything one task attempt writes. */
export function taskPrefix(runId: string, taskId: string): string {
  return ['runs', runId.replace(/[^A-Za-z0-9_.-]/g, '_'), taskId].join('/');
}

/**
 * Normalises a `/`-separated key and refuses one that climbs out of the root: `..` segments
 * that escape, NUL bytes and absolute paths are errors, never silently rewritten.
 */
export function normaliseKey(key: string, root: string, shown = key): string {
  if (key.includes('\0')) throw new ArtifactPathError(shown, root, 'contains a NUL byte');
  if (key.startsWith('/') || /^[A-Za-z]:[\\/]/.test(key)) throw new ArtifactPathError(shown, root, 'is an absolute path outside the artifact root');
  const parts: string[] = [];
  for (const part of key.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new ArtifactPathError(shown, root, 'escapes the artifact root');
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}
