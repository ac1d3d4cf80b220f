import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import { ensureBusyboxImage, ensurePodmanService, type PodmanService } from '../../infra/podman.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { TrainingOutputError } from './errors.ts';
import { testServices } from '../test-services.ts';
import { recordingLog } from './test-support.ts';
import { dockerRunner, localProcessRunner, train } from './train.ts';

let dir: string;
let store: ArtifactStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weir-train-'));
  store = new ArtifactStore(path.join(dir, 'artifacts'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function taskContext(runId: string, attempt: number, outputs: Record<string, unknown> = {}): TaskContext {
  return {
    params: {},
    outputs,
    taskId: 'train',
    run: { runId, dagId: 'churn', runType: 'manual', logicalDate: '', dataIntervalStart: '', dataIntervalEnd: '', attempt },
    signal: new AbortController().signal,
    heartbeat: () => {},
    log: recordingLog(),
    emit: () => {},
    // train() is given its store in options; no other service is used.
    services: testServices(),
  };
}

const script = [
  'wc -l < "$INPUT_FEATURES"',
  'echo "model for $(cat "$INPUT_FEATURES" | head -1)" > "$OUTPUT_DIR/model.txt"',
  'echo "{\\"accuracy\\": 0.75}" > "$OUTPUT_DIR/metrics.json"',
].join('\n');

describe('train operator', () => {
  it('runs a local job on upstream artifacts and files everything under the attempt prefix', async () => {
    const featuresUri = await store.write('runs/run-1/prepare/features.csv', 'header\n1\n2\n');
    const body = train({
      command: ['sh', '-c', script],
      inputs: (ctx) => ({ features: (ctx.outputs.prepare as { featuresUri: string }).featuresUri }),
      modelPath: 'model.txt',
      artifacts: store,
      runner: localProcessRunner({ stateDir: path.join(dir, 'state') }),
    });

    const result = await body(taskContext('run-1', 2, { prepare: { featuresUri } }));

    const prefix = store.pathFor('runs/run-1/train/attempt-2');
    expect(result.metrics).toEqual({ accuracy: 0.75 });
    expect(fileURLToPath(result.modelUri)).toBe(path.join(prefix, 'output', 'model.txt'));
    expect(fileURLToPath(result.logUri)).toBe(path.join(prefix, 'train.log'));
    expect(fileURLToPath(result.outputUri)).toBe(path.join(prefix, 'output'));
    expect(await store.readText(result.modelUri)).toBe('model for header\n');
    expect(await readFile(fileURLToPath(result.logUri), 'utf8')).toBe('3\n');
  });

  it('fails when the declared model file was not written', async () => {
    const body = train({ command: ['sh', '-c', 'echo no model'], modelPath: 'model.pkl', artifacts: store, runner: localProcessRunner({ stateDir: path.join(dir, 'state') }) });
    const error = await body(taskContext('run-2', 1)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TrainingOutputError);
    expect((error as Error).message).toContain('model.pkl');
  });

  describe('with the Docker runner', () => {
    let podman: PodmanService;
    let image: string;
    beforeAll(async () => {
      podman = await ensurePodmanService({ stateDir: path.join(dir, 'podman') });
      image = await ensureBusyboxImage({ containersConf: podman.containersConf });
    });
    afterAll(async () => {
      await podman?.stop();
    });

    it('mounts inputs under /weir/inputs and writes outputs to the attempt prefix', async () => {
      const featuresUri = await store.write('runs/run-3/prepare/features.csv', 'header\n1\n');
      const body = train({
        image,
        command: ['sh', '-c', `echo "$INPUT_FEATURES"; ${script}`],
        inputs: { features: featuresUri },
        modelPath: 'model.txt',
        memoryLimitBytes: 128 * 1024 * 1024,
        artifacts: store,
        runner: dockerRunner({ socketPath: podman.socketPath, networkMode: 'none' }),
      });

      const result = await body(taskContext('run-3', 1));

      expect(result.metrics).toEqual({ accuracy: 0.75 });
      expect(await store.readText(result.modelUri)).toBe('model for header\n');
      expect(await readFile(fileURLToPath(result.logUri), 'utf8')).toBe('/weir/inputs/features\n2\n');
      expect(fileURLToPath(result.modelUri)).toBe(store.pathFor('runs/run-3/train/attempt-1/output/model.txt'));
    });
  });
});
