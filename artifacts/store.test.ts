import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ArtifactNotFoundError, ArtifactPathError, FileArtifactStore, taskPrefix } from './store.ts';

const tempRoot = () => mkdtemp(path.join(os.tmpdir(), 'weir-art-'));

describe('FileArtifactStore', () => {
  it('writes under the root and returns a file URI that resolves back', async () => {
    const store = new FileArtifactStore(await tempRoot());
    const uri = await store.writeJson('runs/r1/report.json', { ok: true });
    expect(uri).toMatch(/^file:\/\//);
    expect(JSON.parse(await readFile(store.resolve(uri), 'utf8'))).toEqual({ ok: true });
    expect(await store.readText('runs/r1/report.json')).toContain('"ok": true');
    expect(store.keyOf(uri)).toBe('runs/r1/report.json');
    expect(await store.stat(uri)).toEqual({ sizeBytes: (await readFile(store.resolve(uri))).length });
    expect(await store.stat('runs/r1/none.json')).toBeNull();
    // The temp file of the atomic write is gone.
    expect(await readdir(path.join(store.root, 'runs', 'r1'))).toEqual(['report.json']);
  });

  it('refuses path traversal, absolute paths outside the root and foreign file URIs', async () => {
    const store = new FileArtifactStore(await tempRoot());
    for (const attempt of ['../outside.txt', 'runs/../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', `file://${store.root}/../x`, 'a\0b']) {
      expect(() => store.resolve(attempt)).toThrow(ArtifactPathError);
    }
    await expect(store.write('../../escape.txt', 'x')).rejects.toThrow(/escapes the artifact root/);
    await expect(store.readText('file:///etc/passwd')).rejects.toThrow(/escapes the artifact root.*artifact root: /);
  });

  it('never reads or writes through a symlink that leads out of the root', async () => {
    const outside = await tempRoot();
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    const store = new FileArtifactStore(await tempRoot());
    await mkdir(store.root, { recursive: true });
    await symlink(outside, path.join(store.root, 'linked-dir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(store.root, 'linked-file'));

    await expect(store.readText('linked-dir/secret.txt')).rejects.toThrow(/outside the artifact root through a symlink/);
    await expect(store.readText('linked-file')).rejects.toThrow(/symlink/);
    await expect(store.write('linked-dir/new.txt', 'x')).rejects.toThrow(/outside the artifact root through a symlink/);
    await expect(store.upload('linked-dir/new.bin', path.join(outside, 'secret.txt'))).rejects.toThrow(ArtifactPathError);
    await expect(store.write('linked-file', 'overwritten')).resolves.toMatch(/^file:/);
    // The link itself was replaced by a file; the target outside is untouched.
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(await readdir(outside)).toEqual(['secret.txt']);
    await rm(outside, { recursive: true });
  });

  it('refuses a FIFO or a folder without opening it for a blocking read', async () => {
    const store = new FileArtifactStore(await tempRoot());
    await mkdir(path.join(store.root, 'dir'), { recursive: true });
    execFileSync('mkfifo', [path.join(store.root, 'pipe')]);
    await expect(store.readText('pipe')).rejects.toThrow(/is not a regular file/);
    await expect(store.readText('dir')).rejects.toThrow(/is not a regular file/);
    await expect(store.readText('missing.txt')).rejects.toThrow(ArtifactNotFoundError);
  });

  it('streams uploads and downloads and lists a folder', async () => {
    const store = new FileArtifactStore(await tempRoot());
    const scratch = await tempRoot();
    const source = path.join(scratch, 'model.bin');
    await writeFile(source, Buffer.alloc(3 * 1024 * 1024, 7));
    const uri = await store.upload('models/a/model.bin', source);
    await store.write('models/a/sub/meta.json', '{}');
    expect(await store.list('models/a')).toEqual(['model.bin', 'sub/meta.json']);
    const copy = path.join(scratch, 'copy.bin');
    await store.download(uri, copy);
    expect((await readFile(copy)).equals(await readFile(source))).toBe(true);
  });

  it('keeps run ids with odd characters inside one folder', () => {
    expect(taskPrefix('a/../b', 't')).toBe('runs/a_.._b/t');
    expect(FileArtifactStore.taskPrefix('a/../b', 't')).toBe('runs/a_.._b/t');
  });
});
