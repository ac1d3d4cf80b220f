import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, readdir, readlink, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ArtifactInfo, ArtifactSettings, ArtifactStore } from './artifact-store.ts';
import { ArtifactNotFoundError, ArtifactPathError, normaliseKey, taskPrefix } from './artifact-store.ts';

export { ArtifactPathError, ArtifactNotFoundError, taskPrefix };

// Opening never follows a symlink in the last component and never blocks on a FIFO.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * The local-folder backend (the default: `.weir/artifacts`). Keys map to files under the root.
 *
 * A symlink inside the root can never lead a read or write outside it, even when it is swapped
 * in while the store works: files are opened with O_NOFOLLOW and O_NONBLOCK, and the path the
 * kernel actually opened (`/proc/self/fd/N` on Linux, else realpath) is checked against the
 * real root before a byte is read or written. Writes go to a fresh temp file (O_EXCL) in the
 * target folder and are renamed into place, so readers never see half a file.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly root: string;
  readonly isLocal = true;
  private realRoot: Promise<string> | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get settings(): ArtifactSettings {
    return { root: this.root };
  }

  /** @deprecated use `taskPrefix` from artifacts/artifact-store.ts */
  static taskPrefix(runId: string, taskId: string): string {
    return taskPrefix(runId, taskId);
  }

  /** Absolute path for a key such as `runs/<runId>/report.json`, refusing any escape from the root. */
  pathFor(key: string): string {
    const normalised = normaliseKey(key, this.root);
    return normalised === '' ? this.root : path.join(this.root, ...normalised.split('/'));
  }

  uriFor(key: string): string {
    return pathToFileURL(this.pathFor(key)).href;
  }

  isStoreUri(value: string): boolean {
    return value.startsWith('file:');
  }

  keyOf(uriOrKey: string): string {
    if (!uriOrKey.startsWith('file:')) {
      if (path.isAbsolute(uriOrKey)) return this.keyOfPath(uriOrKey, uriOrKey);
      return normaliseKey(uriOrKey, this.root);
    }
    let file: string;
    try {
      file = fileURLToPath(uriOrKey);
    } catch {
      throw new ArtifactPathError(uriOrKey, this.root, 'is not a valid file URI');
    }
    return this.keyOfPath(file, uriOrKey);
  }

  /** Resolves a `file://` URI or a key to a path inside the root (lexically; opening checks the real path). */
  resolve(uriOrKey: string): string {
    return this.pathFor(this.keyOf(uriOrKey));
  }

  async write(key: string, data: string | Uint8Array): Promise<string> {
    return this.writeVia(key, async (handle) => {
      await handle.writeFile(data);
    });
  }

  async writeJson(key: string, value: unknown): Promise<string> {
    return this.write(key, `${JSON.stringify(value, null, 2)}\n`);
  }

  async upload(key: string, localFile: string): Promise<string> {
    return this.writeVia(key, async (handle) => {
      // One chunk in flight at a time: constant memory whatever the file's size.
      for await (const chunk of createReadStream(localFile, { highWaterMark: 1024 * 1024 })) await handle.write(chunk as Buffer);
    });
  }

  async readText(uriOrKey: string): Promise<string> {
    const handle = await this.openInside(uriOrKey);
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  async openRead(uriOrKey: string): Promise<Readable> {
    const handle = await this.openInside(uriOrKey);
    return handle.createReadStream();
  }

  async download(uriOrKey: string, localFile: string): Promise<void> {
    await mkdir(path.dirname(localFile), { recursive: true });
    await pipeline(await this.openRead(uriOrKey), createWriteStream(localFile));
  }

  async stat(uriOrKey: string): Promise<ArtifactInfo | null> {
    let handle: FileHandle;
    try {
      handle = await this.openInside(uriOrKey);
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return null;
      throw error;
    }
    try {
      return { sizeBytes: (await handle.stat()).size };
    } finally {
      await handle.close();
    }
  }

  async list(prefixUriOrKey: string): Promise<string[]> {
    const dir = this.resolve(prefixUriOrKey);
    const found: string[] = [];
    const walk = async (current: string, relative: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(current, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
        // Symlinks are neither followed nor listed: only what really lies under the root counts.
        if (entry.isDirectory()) await walk(path.join(current, entry.name), child);
        else if (entry.isFile()) found.push(child);
      }
    };
    const actual = await realpath(dir).catch(() => null);
    if (actual !== null && !(await this.isInsideRoot(actual))) throw this.outside(prefixUriOrKey, actual);
    await walk(dir, '');
    return found.sort();
  }

  private keyOfPath(file: string, shown: string): string {
    const relative = path.relative(this.root, path.resolve(file));
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new ArtifactPathError(shown, this.root, 'escapes the artifact root');
    return normaliseKey(relative.split(path.sep).join('/'), this.root, shown);
  }

  private async rootReal(): Promise<string> {
    this.realRoot ??= mkdir(this.root, { recursive: true }).then(() => realpath(this.root));
    return this.realRoot;
  }

  // The path the kernel opened for this descriptor, which no later rename or symlink swap can change.
  private async openedPath(handle: FileHandle, fallback: string): Promise<string> {
    try {
      return await readlink(`/proc/self/fd/${handle.fd}`);
    } catch {
      return realpath(fallback);
    }
  }

  private async isInsideRoot(actual: string): Promise<boolean> {
    const root = await this.rootReal();
    return actual === root || actual.startsWith(root + path.sep);
  }

  private outside(shown: string, actual: string): ArtifactPathError {
    return new ArtifactPathError(shown, this.root, `leads outside the artifact root through a symlink (to ${actual})`);
  }

  private async openInside(uriOrKey: string): Promise<FileHandle> {
    const file = this.resolve(uriOrKey);
    let handle: FileHandle;
    try {
      handle = await open(file, READ_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new ArtifactNotFoundError(this.uriFor(this.keyOf(uriOrKey)));
      if (code === 'ELOOP') throw new ArtifactPathError(uriOrKey, this.root, 'is a symlink, which the artifact store never follows');
      throw error;
    }
    const actual = await this.openedPath(handle, file);
    if (!(await this.isInsideRoot(actual))) {
      await handle.close();
      throw this.outside(uriOrKey, actual);
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new ArtifactPathError(uriOrKey, this.root, 'is not a regular file');
    }
    return handle;
  }

  private async makeParents(file: string, shown: string): Promise<void> {
    await this.rootReal();
    const relative = path.relative(this.root, path.dirname(file));
    let current = this.root;
    for (const part of relative === '' ? [] : relative.split(path.sep)) {
      current = path.join(current, part);
      try {
        await mkdir(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const info = await lstat(current);
      if (info.isSymbolicLink()) {
        const target = await realpath(current).catch(() => '(dangling)');
        if (!(await this.isInsideRoot(target))) throw this.outside(shown, target);
      } else if (!info.isDirectory()) {
        throw new ArtifactPathError(shown, this.root, `needs ${current} to be a folder, but it is a file`);
      }
    }
  }

  private async writeVia(key: string, fill: (handle: FileHandle) => Promise<void>): Promise<string> {
    const file = this.pathFor(key);
    if (file === this.root) throw new ArtifactPathError(key, this.root, 'names the artifact root itself, not a file in it');
    await this.makeParents(file, key);
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, CREATE_FLAGS, 0o644);
    const openedTemp = await this.openedPath(handle, temp);
    if (!(await this.isInsideRoot(openedTemp))) {
      // A folder was swapped for a symlink after the checks above: remove what O_EXCL created there.
      await handle.close();
      await unlink(openedTemp).catch(() => undefined);
      throw this.outside(key, openedTemp);
    }
    try {
      await fill(handle);
    } catch (error) {
      await handle.close();
      await unlink(openedTemp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    // Rename within the folder that was really opened: a parent swapped since then cannot redirect it.
    await rename(openedTemp, path.join(path.dirname(openedTemp), path.basename(file)));
    return pathToFileURL(file).href;
  }
}

/** The file backend under its historical name; new code types against the `ArtifactStore` interface. */
export { FileArtifactStore as ArtifactStore };
