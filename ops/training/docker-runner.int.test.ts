import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, ensurePodmanService, type PodmanService } from '../../infra/podman.ts';
import { DockerRunner } from './docker-runner.ts';
import { ContainerImageMissingError, MissingSecretError, TrainingFailedError } from './errors.ts';
import { crashWorkerMidJob, recordingLog, sha256, testContext, testJob, waitFor } from './test-support.ts';

// Real containers through podman's Docker-compatible API. Without podman these tests fail
// (ensurePodmanService says what to install); they are never skipped.
let dir: string;
let podman: PodmanService;
let image: string;
let runner: DockerRunner;

beforeAll(async () => {
  // Short: the API socket lives in here, and unix socket paths are limited to 107 bytes.
  dir = await mkdtemp(path.join(tmpdir(), 'weir-dkr-'));
  podman = await ensurePodmanService({ stateDir: path.join(dir, 'podman') });
  image = await ensureBusyboxImage({ containersConf: podman.containersConf });
  runner = new DockerRunner({ socketPath: podman.socketPath, heartbeatIntervalMs: 100, stopGraceSeconds: 1, networkMode: 'none' });
});
afterAll(async () => {
  await podman?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('DockerRunner against podman', () => {
  it('runs the image with read-only inputs and collects outputs and metrics', async () => {
    const data = path.join(dir, 'features.csv');
    await writeFile(data, 'a,b\n1,2\n3,4\n');
    const log = recordingLog();
    const ctx = testContext(log);
    const script = [
      'echo "input at $INPUT_FEATURES has $(wc -l < "$INPUT_FEATURES") lines"',
      'echo "tampered" >> "$INPUT_FEATURES" || echo "input is read-only"',
      'echo "to stderr" >&2',
      'sleep 0.3',
      'echo weights > "$OUTPUT_DIR/model.bin"',
      'echo \'{"auc": 0.88}\' > "$OUTPUT_DIR/metrics.json"',
      'pwd',
    ].join('\n');
    const job = testJob(path.join(dir, 'success'), 'run-ok', {
      image,
      command: ['sh', '-c', script],
      workingDir: '/tmp',
      inputs: [{ hostPath: data, containerPath: '/data/features.csv' }],
    });

    const result = await runner.run(job, ctx);

    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({ files: ['metrics.json', 'model.bin'], metrics: { auc: 0.88 } });
    expect(log.lines).toEqual(expect.arrayContaining(['input at /data/features.csv has 3 lines', 'input is read-only', 'to stderr', '/tmp']));
    expect(await readFile(data, 'utf8')).toBe('a,b\n1,2\n3,4\n');
    expect(await readFile(job.logFile, 'utf8')).toContain('to stderr\n');
    expect(ctx.heartbeats.at(-1)).toMatchObject({ job: job.name });
    expect(await runner.containersOf(job.runId, job.taskId)).toEqual([]);
  });

  it('fails with the exit code and the last 20 log lines', async () => {
    const job = testJob(path.join(dir, 'fail'), 'run-fail', {
      image,
      command: ['sh', '-c', 'for i in $(seq 1 30); do echo "epoch $i"; done; echo "loss is NaN" >&2; exit 7'],
    });
    const error = await runner.run(job, testContext()).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(TrainingFailedError);
    const failure = error as TrainingFailedError;
    expect(failure.exitCode).toBe(7);
    const tail = failure.logTail.split('\n');
    expect(tail).toHaveLength(20);
    expect(tail).toContain('loss is NaN');
    expect(tail).toContain('epoch 30');
    expect(tail).not.toContain('epoch 5');
    expect(await runner.containersOf(job.runId, job.taskId)).toEqual([]);
  });

  it('applies CPU and memory limits, and removes the container when cancelled', async () => {
    const log = recordingLog();
    const ctx = testContext(log);
    const job = testJob(path.join(dir, 'cancel'), 'run-cancel', {
      image,
      command: ['sh', '-c', 'echo started; sleep 300'],
      cpuLimit: 0.5,
      memoryLimitBytes: 64 * 1024 * 1024,
    });
    const running = runner.run(job, ctx);
    await waitFor('the job to start', () => (log.lines.includes('started') ? true : undefined), 60_000);
    const [info] = await runner.containersOf(job.runId, job.taskId);
    expect(info?.State).toBe('running');
    const inspected = await runner.docker.getContainer(info?.Id ?? '').inspect();
    expect(inspected.Name.replace(/^\//, '')).toBe(job.name);
    expect(inspected.Config.Labels).toMatchObject({ 'weir.run': 'run-cancel', 'weir.task': 'train', 'weir.attempt': '1' });
    expect(inspected.HostConfig.Memory).toBe(64 * 1024 * 1024);
    // Podman reports a CPU limit as quota/period rather than NanoCpus; either proves it is set.
    const { NanoCpus, CpuQuota, CpuPeriod } = inspected.HostConfig;
    const cpus = NanoCpus ? NanoCpus / 1e9 : (CpuQuota ?? 0) / (CpuPeriod || 100_000);
    expect(cpus).toBeCloseTo(0.5);

    const reason = new Error('cancelled by test');
    ctx.controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(await runner.containersOf(job.runId, job.taskId)).toEqual([]);
  });

  it('removes the container a crashed worker left running before the next attempt starts', async () => {
    const jobDir = path.join(dir, 'orphan');
    await crashWorkerMidJob({
      CRASH_RUNNER: 'docker',
      CRASH_SOCKET: podman.socketPath,
      CRASH_IMAGE: image,
      CRASH_DIR: jobDir,
      CRASH_RUN_ID: 'run-orphan',
      CRASH_TASK_ID: 'train',
    });
    const [orphan] = await runner.containersOf('run-orphan', 'train');
    expect(orphan?.State).toBe('running');
    expect(orphan?.Labels['weir.attempt']).toBe('1');

    const log = recordingLog();
    const job = testJob(jobDir, 'run-orphan', { image, command: ['sh', '-c', 'echo second attempt'] }, 2);
    const result = await runner.run(job, testContext(log));

    expect(result.exitCode).toBe(0);
    expect(log.lines).toContain('second attempt');
    expect(log.warnings.join('\n')).toContain('left by an earlier attempt');
    const gone = await runner.docker.getContainer(orphan?.Id ?? '').inspect().catch((error: { statusCode?: number }) => error.statusCode);
    expect(gone).toBe(404);
    expect(await runner.containersOf('run-orphan', 'train')).toEqual([]);
  });

  it('passes secrets by name and masks them in the log', async () => {
    const secret = 'container-s3cr3t';
    const secretRunner = new DockerRunner({ socketPath: podman.socketPath, secretSource: { API_TOKEN: secret }, networkMode: 'none' });
    const log = recordingLog();
    const job = testJob(path.join(dir, 'secrets'), 'run-secrets', {
      image,
      command: ['sh', '-c', 'printf %s "$API_TOKEN" | sha256sum; echo "token=$API_TOKEN"'],
      secretEnv: ['API_TOKEN'],
    });
    const result = await secretRunner.run(job, testContext(log));

    expect(log.lines).toContain(`${sha256(secret)}  -`);
    expect(log.lines).toContain('token=***');
    const everything = JSON.stringify({ job, result }) + (await readFile(job.logFile, 'utf8')) + log.lines.join('\n');
    expect(everything).not.toContain(secret);

    const missing = testJob(path.join(dir, 'secrets-missing'), 'run-secrets-missing', { image, command: ['true'], secretEnv: ['NOT_SET_ANYWHERE'] });
    await expect(secretRunner.run(missing, testContext())).rejects.toBeInstanceOf(MissingSecretError);
  });

  it('names a missing image instead of pulling it', async () => {
    const job = testJob(path.join(dir, 'no-image'), 'run-no-image', { image: 'localhost/weir-does-not-exist:1', command: ['true'] });
    const error = await runner.run(job, testContext()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ContainerImageMissingError);
    expect((error as Error).message).toContain('localhost/weir-does-not-exist:1');
  });
});
