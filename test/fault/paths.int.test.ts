import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeBaseline, saveBaseline } from '../../ops/drift/index.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { runToEnd, startTestWorker, type TestWorker } from '../harness.ts';
import { STACK_LINE } from './outside.ts';

const DAGS = fileURLToPath(new URL('./dags/', import.meta.url));
const taskQueue = `fault-paths-${randomUUID().slice(0, 8)}`;
const baseline = `fault-paths-${randomUUID().slice(0, 8)}`;
const CSV = 'a,b\n1,2\n3,4\n5,6\n';

let base: string;
let dataRoot: string;
let artifactRoot: string;
let worker: TestWorker;
const savedEnv = new Map<string, string | undefined>();

function setEnv(name: string, value: string): void {
  if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
  process.env[name] = value;
}

beforeAll(async () => {
  base = realpathSync(await mkdtemp(path.join(os.tmpdir(), 'weir-fault-paths-int-')));
  dataRoot = path.join(base, 'data');
  artifactRoot = path.join(base, 'artifacts');
  const inside = path.join(artifactRoot, 'runs', 'in');
  await mkdir(dataRoot, { recursive: true });
  await mkdir(inside, { recursive: true });
  await writeFile(path.join(base, 'outside.csv'), CSV);
  await writeFile(path.join(dataRoot, 'good.csv'), CSV);
  await writeFile(path.join(inside, 'good.csv'), CSV);
  await writeFile(path.join(inside, 'ragged.csv'), 'a,b\n1,2\n3\n5,6\n');
  await symlink('../outside.csv', path.join(dataRoot, 'link-out.csv'));
  await symlink('/etc/passwd', path.join(inside, 'esc.csv'));
  execFileSync('mkfifo', [path.join(inside, 'pipe.csv')]);
  // The worker reads its configuration from the environment when it starts.
  setEnv('WEIR_ARTIFACT_ROOT', artifactRoot);
  setEnv('WEIR_DATA_ROOTS', dataRoot);
  worker = await startTestWorker({ dagsDir: DAGS, taskQueue });
  await saveBaseline(worker.db, { modelName: baseline, ...(await computeBaseline(path.join(dataRoot, 'good.csv'))) });
});
afterAll(async () => {
  await worker?.shutdown();
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(base, { recursive: true, force: true });
});

/** What a task's one-line error must contain; null: the task succeeds. Roots are known only once the test runs. */
type Expected = string | (() => string) | null;
interface PathCase {
  what: string;
  file: () => string;
  validate: Expected;
  drift: Expected;
  artifact: Expected;
}

const outsideData = (): string => `is outside the data roots (${artifactRoot}, ${dataRoot})`;
const outsideStore = (): string => `escapes the artifact root (artifact root: ${artifactRoot})`;

const CASES: PathCase[] = [
  { what: 'control: a CSV inside both roots', file: () => path.join(artifactRoot, 'runs', 'in', 'good.csv'), validate: null, drift: null, artifact: null },
  { what: 'file:///etc/passwd', file: () => 'file:///etc/passwd', validate: outsideData, drift: outsideData, artifact: outsideStore },
  { what: '/etc/passwd', file: () => '/etc/passwd', validate: outsideData, drift: outsideData, artifact: outsideStore },
  { what: 'a relative path climbing out', file: () => '../'.repeat(20) + 'etc/passwd', validate: outsideData, drift: outsideData, artifact: outsideStore },
  { what: 'a data root and ..', file: () => `${dataRoot}/../outside.csv`, validate: outsideData, drift: outsideData, artifact: outsideStore },
  { what: 'a symlink out of a data root', file: () => path.join(dataRoot, 'link-out.csv'), validate: outsideData, drift: outsideData, artifact: outsideStore },
  {
    what: 'a symlink out of the artifact root',
    file: () => path.join(artifactRoot, 'runs', 'in', 'esc.csv'),
    validate: outsideData,
    drift: outsideData,
    artifact: 'is a symlink, which the artifact store never follows',
  },
  { what: 'a named pipe', file: () => path.join(artifactRoot, 'runs', 'in', 'pipe.csv'), validate: 'is not a regular file (a named pipe)', drift: 'is not a regular file (a named pipe)', artifact: 'is not a regular file' },
  { what: 'a device', file: () => '/dev/zero', validate: 'is not a regular file (a device)', drift: 'is not a regular file (a device)', artifact: outsideStore },
  { what: 'a folder', file: () => dataRoot, validate: 'is not a regular file (a folder)', drift: 'is not a regular file (a folder)', artifact: outsideStore },
  {
    what: 'a ragged CSV',
    file: () => path.join(artifactRoot, 'runs', 'in', 'ragged.csv'),
    validate: 'ragged.csv line 3 has 1 field, but the header has 2',
    drift: 'ragged.csv line 3 has 1 field, but the header has 2',
    artifact: null,
  },
];

describe('bad data paths given to a run, as a user triggers it', () => {
  let snapshots: RunSnapshot[];
  beforeAll(async () => {
    // All at once: a reader that blocked on the pipe would hold its run open until the test's own timeout.
    snapshots = await Promise.all(CASES.map((fault) => runToEnd(worker, 'fault_paths', { file: fault.file(), baseline })));
  }, 110_000);

  it.each(CASES.map((fault, index) => [fault.what, index] as const))('%s: each reader refuses it in one line, or reads it when allowed', (what, index) => {
    const fault = CASES[index] as PathCase;
    const snapshot = snapshots[index] as RunSnapshot;
    for (const taskId of ['validate', 'drift', 'artifact'] as const) {
      const task = snapshot.tasks.find((t) => t.id === taskId);
      const given = fault[taskId];
      const expected = typeof given === 'function' ? given() : given;
      const label = `${what} › ${taskId}: ${task?.error ?? task?.state}`;
      if (expected === null) {
        expect(task?.state, label).toBe('success');
        continue;
      }
      expect(task?.state, label).toBe('failed');
      expect(task?.error, label).toContain(expected);
      expect(task?.error, label).not.toContain('\n');
      expect(task?.error, label).not.toMatch(STACK_LINE);
      // Refused at once: a path or a file kind never gets better on a retry.
      expect(task?.attempts, label).toBe(1);
    }
    expect(snapshot.status).toBe([fault.validate, fault.drift, fault.artifact].every((expected) => expected === null) ? 'success' : 'failed');
  });
});
