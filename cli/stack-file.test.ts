import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  readLiveStackFile,
  removeStackFile,
  resolveDatabaseUrl,
  resolveTemporalSettings,
  StackFileCorruptError,
  stackFilePath,
  StackNotFoundError,
  writeStackFile,
} from './stack-file.ts';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'weir-stack-file-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const stack = (pid: number) => ({ temporalAddress: '127.0.0.1:7999', uiUrl: 'http://localhost:8999', databaseUrl: 'postgres://x@127.0.0.1:5999/weir', pid });
// A pid that cannot belong to a live process: above Linux's pid_max.
const DEAD_PID = 2 ** 22 + 7;

describe('resolving where Temporal and Postgres are', () => {
  it('prefers the environment over the stack file', () => {
    writeStackFile(folder, stack(process.pid));
    const env = { TEMPORAL_ADDRESS: 'temporal.prod:7233', TEMPORAL_NAMESPACE: 'ml', DATABASE_URL: 'postgres://prod/weir' };
    expect(resolveTemporalSettings(env, folder)).toMatchObject({ address: 'temporal.prod:7233', namespace: 'ml' });
    expect(resolveDatabaseUrl(env, folder)).toBe('postgres://prod/weir');
  });

  it('uses the stack file of a running `weir dev`', () => {
    writeStackFile(folder, stack(process.pid));
    expect(resolveTemporalSettings({}, folder)).toMatchObject({ address: '127.0.0.1:7999', namespace: 'default' });
    expect(resolveDatabaseUrl({}, folder)).toBe('postgres://x@127.0.0.1:5999/weir');
    expect(readLiveStackFile(folder)?.pid).toBe(process.pid);
  });

  it('reports a stack file whose process has exited', () => {
    writeStackFile(folder, stack(DEAD_PID));
    expect(readLiveStackFile(folder)).toBeNull();
    expect(() => resolveTemporalSettings({}, folder)).toThrow(StackNotFoundError);
    expect(() => resolveTemporalSettings({}, folder)).toThrow(`(pid ${DEAD_PID} has exited); run \`weir dev\` in this folder, or set TEMPORAL_ADDRESS`);
  });

  it('says to run `weir dev` when there is no stack file', () => {
    expect(() => resolveDatabaseUrl({}, folder)).toThrow(/no dev stack found .*or set DATABASE_URL/);
  });

  it('rejects a corrupt stack file with a way out', async () => {
    writeStackFile(folder, stack(process.pid));
    await writeFile(stackFilePath(folder), '{"temporalAddress": 1');
    expect(() => resolveTemporalSettings({}, folder)).toThrow(StackFileCorruptError);
  });
});

describe('removeStackFile', () => {
  it("removes only the file of the given process, never a newer stack's", () => {
    writeStackFile(folder, stack(process.pid));
    removeStackFile(folder, DEAD_PID);
    expect(readLiveStackFile(folder)).not.toBeNull();
    removeStackFile(folder, process.pid);
    expect(readLiveStackFile(folder)).toBeNull();
  });
});
