import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoizedHash, memoizedSources, sha256 } from './load-hash.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weir-load-hash-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('memoizedSources', () => {
  it('takes the hash and the import.meta scan from one read, and reads a file once per load', async () => {
    const file = path.join(dir, 'uses_url.ts');
    const text = "export const here = new URL('.', import.meta.url);\n";
    await writeFile(file, text);
    const sources = memoizedSources();
    expect(await sources(file)).toEqual({ hash: sha256(text), usesImportMeta: true });

    // Edited after this load read it: the same load keeps what it read, the next one sees the edit.
    await writeFile(file, 'export const here = 1;\n');
    expect(await sources(file)).toEqual({ hash: sha256(text), usesImportMeta: true });
    expect(await memoizedSources()(file)).toEqual({ hash: sha256('export const here = 1;\n'), usesImportMeta: false });
  });

  it('gives null for a file that cannot be read, and the hash reader shares the reads it is given', async () => {
    const sources = memoizedSources();
    expect(await sources(path.join(dir, 'missing.ts'))).toBeNull();
    const file = path.join(dir, 'plain.ts');
    await writeFile(file, 'export const a = 1;\n');
    const first = await sources(file);
    await writeFile(file, 'export const a = 2;\n');
    expect(await memoizedHash(sources)(file)).toBe(first?.hash);
  });
});
