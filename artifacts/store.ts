import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** An artifact URI that points outside the artifact root, or is not a file URI at all. */
export class ArtifactPathError extends Error {
  constructor(readonly uri: string, readonly root: string, reason: string) {
    super(`artifact "${uri}" ${reason} (artifact root: ${root})`);
    this.name = 'ArtifactPathError';
  }
}

/**
 * Big data never passes through workflow history: tasks write datasets, models and reports
 * here and pass the `file://` URI instead. Every path is confined to the root.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The store the environment configures: `WEIR_ARTIFACT_ROOT`, else `.weir/artifacts`. */
  static fromEnv(env: Record<string, string | undefined> = process.env): ArtifactStore {
    return new ArtifactStore(env.WEIR_ARTIFACT_ROOT ?? path.join(process.cwd(), '.weir', 'artifacts'));
  }

  /** Absolute path for a key such as `runs/<runId>/report.json`, refusing any escape from the root. */
  pathFor(key: string): string {
    if (key.includes('\0')) throw new ArtifactPathError(key, this.root, 'contains a NUL byte');
    const resolved = path.resolve(this.root, key);
    if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) {
      throw new ArtifactPathError(key, this.root, 'escapes the artifact root');
    }
    return resolved;
  }

  uriFor(key: string): string {
    return pathToFileURL(this.pathFor(key)).href;
  }

  /** Resolves a `file://` URI or a key to a path inside the root. */
  resolve(uriOrKey: string): string {
    if (!uriOrKey.startsWith('file:')) return this.pathFor(uriOrKey);
    let file: string;
    try {
      file = fileURLToPath(uriOrKey);
    } catch {
      throw new ArtifactPathError(uriOrKey, this.root, 'is not a valid file URI');
    }
    return this.pathFor(path.relative(this.root, file));
  }

  async write(key: string, data: string | Uint8Array): Promise<string> {
    const file = this.pathFor(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    return pathToFileURL(file).href;
  }

  async writeJson(key: string, value: unknown): Promise<string> {
    return this.write(key, `${JSON.stringify(value, null, 2)}\n`);
  }

  async readText(uriOrKey: string): Promise<string> {
    return readFile(this.resolve(uriOrKey), 'utf8');
  }

  /** Key prefix for everything one task attempt writes. */
  static taskPrefix(runId: string, taskId: string): string {
    return path.posix.join('runs', runId.replace(/[^A-Za-z0-9_.-]/g, '_'), taskId);
  }
}
