import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../artifacts/store.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';
import { checkDataFile, DataPathRefusedError, resolveDataRoots } from './data-roots.ts';
import { validateData } from './operator.ts';
import { createWorkspace, type Workspace } from './test-fixtures.ts';

let ws: Workspace;
let services: WeirServices;
let dataRoot: string;
let goodCsv: string;

beforeAll(async () => {
  ws = await createWorkspace();
  dataRoot = path.join(ws.dir, 'data');
  await mkdir(dataRoot);
  goodCsv = path.join(dataRoot, 'good.csv');
  await writeFile(goodCsv, 'a,b\n1,2\n');
  await writeFile(path.join(ws.dir, 'beside.csv'), 'a,b\n1,2\n');
  await symlink('/etc/passwd', path.join(dataRoot, 'passwd.csv'));
  await symlink(ws.dir, path.join(dataRoot, 'up'));
  execFileSync('mkfifo', [path.join(dataRoot, 'pipe.csv')]);
  services = testServices({ artifacts: ws.artifacts, env: { WEIR_DATA_ROOTS: dataRoot } });
});
afterAll(async () => {
  await ws.cleanup();
});

function context(file: string): TaskContext<Record<string, unknown>, Record<string, unknown>> {
  const noop = () => undefined;
  return {
    params: { file },
    outputs: {},
    taskId: 'validate',
    run: { runId: 'r1', dagId: 'd', runType: 'manual', logicalDate: '2024-01-01T00:00:00Z', dataIntervalStart: '2024-01-01T00:00:00Z', dataIntervalEnd: '2024-01-02T00:00:00Z', attempt: 1 },
    signal: new AbortController().signal,
    heartbeat: noop,
    emit: noop,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    services,
  };
}

const validate = (file: string) => validateData({ file: (ctx) => String(ctx.params.file), expectations: { rowCount: { min: 1 } } })(context(file));

describe('validateData reads only from the artifact root and the data roots', () => {
  it('reads a file inside a data root and one inside the artifact root', async () => {
    await expect(validate(goodCsv)).resolves.toMatchObject({ passed: true });
    const artifact = await ws.artifacts.write('runs/r0/prepare/batch.csv', 'a,b\n1,2\n');
    await expect(validate(artifact)).resolves.toMatchObject({ passed: true });
  });

  it('refuses /etc/passwd, .. and symlink escapes in one line naming the root', async () => {
    for (const file of ['file:///etc/passwd', '/etc/passwd', `${dataRoot}/../beside.csv`, path.join(dataRoot, 'passwd.csv'), path.join(dataRoot, 'up', 'beside.csv')]) {
      const error = await validate(file).then(() => null, (thrown: unknown) => thrown);
      expect(error, file).toBeInstanceOf(DataPathRefusedError);
      expect(error).toBeInstanceOf(NonRetryableError);
      const message = (error as Error).message;
      expect(message).toContain(`is outside the data roots (${ws.artifacts.root}, ${dataRoot})`);
      expect(message).not.toContain('\n');
    }
  });

  it('refuses a named pipe, a device and a folder without opening them, so nothing hangs', async () => {
    await expect(validate(path.join(dataRoot, 'pipe.csv'))).rejects.toThrow(/pipe\.csv is not a regular file \(a named pipe\)/);
    await expect(checkDataFile('/dev/zero', ['/dev'])).rejects.toThrow(/is not a regular file \(a device\)/);
    await expect(validate(dataRoot)).rejects.toThrow(/is not a regular file \(a folder\)/);
  });

  it('reports a ragged row by its line number and field count', async () => {
    const ragged = path.join(dataRoot, 'ragged.csv');
    await writeFile(ragged, 'a,b,c\n1,2,3\n4,5,6\nTotal,15\n');
    await expect(validate(ragged)).rejects.toThrow(`${ragged} line 4 has 2 fields, but the header has 3`);
  });
});

describe('resolveDataRoots', () => {
  it('is the local artifact root plus the configured folders, else the working folder', () => {
    expect(resolveDataRoots(['/data', 'rel'], '/art', '/proj')).toEqual(['/art', '/data', '/proj/rel']);
    expect(resolveDataRoots(undefined, '/art', '/proj')).toEqual(['/art', '/proj']);
    expect(resolveDataRoots([], 's3://bucket/prefix', '/proj')).toEqual(['/proj']);
  });

  it('is what the services built from WEIR_DATA_ROOTS hand to the operators', () => {
    expect(testServices({ artifacts: new FileArtifactStore('/art'), env: { WEIR_DATA_ROOTS: `/data${path.delimiter}/mnt/x` } }).dataRoots).toEqual(['/art', '/data', '/mnt/x']);
  });
});

describe('FileArtifactStore as the artifact root of the checks', () => {
  it('keeps its own root even when the data roots are elsewhere', async () => {
    const other = new FileArtifactStore(await mkdtemp(path.join(os.tmpdir(), 'weir-other-')));
    expect(resolveDataRoots([dataRoot], other.root)).toEqual([other.root, dataRoot]);
  });
});
