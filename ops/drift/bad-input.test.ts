import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFileSource } from './duckdb.ts';
import { DriftInputError } from './errors.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-drift-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('drift refuses input files it cannot read as data, before opening them', () => {
  it('names a named pipe instead of blocking on it', async () => {
    const fifo = path.join(dir, 'batch.csv');
    execFileSync('mkfifo', [fifo]);
    await expect(dataFileSource(fifo)).rejects.toThrow(new DriftInputError(`Data file ${fifo} is not a regular file`, fifo));
  });

  it('names a folder', async () => {
    await expect(dataFileSource(dir)).rejects.toBeInstanceOf(DriftInputError);
  });

  it('names the first CSV line whose field count differs from the header', async () => {
    const ragged = path.join(dir, 'ragged.csv');
    await writeFile(ragged, 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    await expect(dataFileSource(ragged)).rejects.toThrow(`${ragged} line 3 has 2 fields, but the header has 3`);
  });

  it('accepts a well-formed CSV', async () => {
    const good = path.join(dir, 'good.csv');
    await writeFile(good, 'a,b\n1,2\n');
    await expect(dataFileSource(good)).resolves.toMatchObject({ file: good });
  });
});
