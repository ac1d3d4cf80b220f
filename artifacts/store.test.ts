import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ArtifactPathError, ArtifactStore } from './store.ts';

describe('ArtifactStore', () => {
  it('writes under the root and returns a file URI that resolves back', async () => {
    const store = new ArtifactStore(await mkdtemp(path.join(os.tmpdir(), 'weir-art-')));
    const uri = await store.writeJson('runs/r1/report.json', { ok: true });
    expect(uri).toMatch(/^file:\/\//);
    expect(JSON.parse(await readFile(store.resolve(uri), 'utf8'))).toEqual({ ok: true });
    expect(await store.readText('runs/r1/report.json')).toContain('"ok": true');
  });

  it('refuses path traversal, absolute paths outside the root and foreign file URIs', async () => {
    const store = new ArtifactStore(await mkdtemp(path.join(os.tmpdir(), 'weir-art-')));
    for (const attempt of ['../outside.txt', 'runs/../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', `file://${store.root}/../x`, 'a\0b']) {
      expect(() => store.resolve(attempt)).toThrow(ArtifactPathError);
    }
    await expect(store.write('../../escape.txt', 'x')).rejects.toThrow(/escapes the artifact root/);
  });

  it('keeps run ids with odd characters inside one folder', () => {
    expect(ArtifactStore.taskPrefix('a/../b', 't')).toBe('runs/a_.._b/t');
  });
});
