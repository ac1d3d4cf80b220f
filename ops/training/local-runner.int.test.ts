import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingSecretError, TrainingFailedError } from './errors.ts';
import { LocalProcessRunner } from './local-runner.ts';
import { JobPidFiles } from './pid-files.ts';
import { livingGroupMembers, processStat } from './process-group.ts';
import { crashWorkerMidJob, recordingLog, sha256, testContext, testJob, waitFor } from './test-support.ts';

let dir: string;
let stateDir: string;
let runner: LocalProcessRunner;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weir-local-runner-'));
  stateDir = path.join(dir, 'state');
  runner = new LocalProcessRunner({ stateDir, heartbeatIntervalMs: 100, killGraceMs: 2_000 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function isRunning(pid: number): Promise<boolean> {
  const stat = await processStat(pid);
  return stat !== null && stat.state !== 'Z';
}

describe('LocalProcessRunner', () => {
  it('runs the command, streams its log, and collects model files and metrics', async () => {
    const data = path.join(dir, 'features.csv');
    await writeFile(data, 'a,b\n1,2\n');
    const log = recordingLog();
    const ctx = testContext(log);
    const script = [
      'echo "rows: $(wc -l < "$INPUT_FEATURES")"',
      'echo "warming up" >&2',
      'sleep 0.3',
      'mkdir -p "$OUTPUT_DIR/model"',
      'echo weights > "$OUTPUT_DIR/model/weights.bin"',
      'echo \'{"auc": 0.91, "rows": 2}\' > "$OUTPUT_DIR/metrics.json"',
      'printf "no newline at the end"',
    ].join('\n');
    const job = testJob(path.join(dir, 'success'), 'run-ok', {
      command: ['sh', '-c', script],
      inputs: [{ hostPath: data, containerPath: '/data/features.csv' }],
    });

    const result = await runner.run(job, ctx);

    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({ files: ['metrics.json', 'model/weights.bin'], metrics: { auc: 0.91, rows: 2 } });
    expect(log.lines).toEqual(expect.arrayContaining(['rows: 2', 'warming up', 'no newline at the end']));
    const logFile = await readFile(job.logFile, 'utf8');
    expect(logFile).toContain('rows: 2\n');
    expect(logFile).toContain('warming up\n');
    expect(result.logUri).toBe(new URL(`file://${job.logFile}`).href);
    expect(ctx.heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(ctx.heartbeats.at(-1)).toMatchObject({ job: job.name });
    // A finished job leaves no pid file for the next attempt to chase.
    expect(await new JobPidFiles(stateDir).read(job.key)).toBeNull();
  });

  it('fails with the exit code and the last 20 log lines', async () => {
    const job = testJob(path.join(dir, 'fail'), 'run-fail', {
      command: ['sh', '-c', 'for i in $(seq 1 30); do echo "epoch $i"; done; echo "CUDA out of memory" >&2; exit 3'],
    });
    const error = await runner.run(job, testContext()).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(TrainingFailedError);
    const failure = error as TrainingFailedError;
    expect(failure.exitCode).toBe(3);
    const tail = failure.logTail.split('\n');
    expect(tail).toHaveLength(20);
    expect(tail.at(-1)).toBe('CUDA out of memory');
    expect(tail).not.toContain('epoch 5');
    expect(failure.message).toContain('exited with code 3');
    expect(failure.message).toContain('epoch 30');
  });

  it('kills the whole process tree when the signal aborts', async () => {
    const log = recordingLog();
    const ctx = testContext(log);
    // The shell ignores SIGTERM, so only SIGKILL after the grace period ends it.
    const job = testJob(path.join(dir, 'cancel'), 'run-cancel', {
      command: ['sh', '-c', 'trap "" TERM; sleep 300 & echo "child=$!"; wait; wait'],
    });
    const running = runner.run(job, ctx);
    const childPid = Number(await waitFor('the child pid', () => /^child=(\d+)$/.exec(log.lines.join('\n').split('\n').find((l) => l.startsWith('child=')) ?? '')?.[1]));
    const leaderPid = (await new JobPidFiles(stateDir).read(job.key))?.pid;
    expect(leaderPid).toBeDefined();
    expect(await isRunning(childPid)).toBe(true);

    const reason = new Error('cancelled by test');
    ctx.controller.abort(reason);
    await expect(running).rejects.toBe(reason);

    expect(await isRunning(childPid)).toBe(false);
    expect(await livingGroupMembers(leaderPid ?? -1)).toEqual([]);
    expect(await readFile(job.logFile, 'utf8')).toContain('[weir] cancelled');
  });

  it('kills the orphan a crashed worker left running before the next attempt starts', async () => {
    const jobDir = path.join(dir, 'orphan');
    const ready = await crashWorkerMidJob({
      CRASH_RUNNER: 'local',
      CRASH_STATE_DIR: stateDir,
      CRASH_DIR: jobDir,
      CRASH_RUN_ID: 'run-orphan',
      CRASH_TASK_ID: 'train',
    });
    const orphanChild = Number(/child=(\d+)/.exec(ready)?.[1]);
    const job = testJob(jobDir, 'run-orphan', { command: ['sh', '-c', 'echo second attempt'] }, 2);
    const orphan = await new JobPidFiles(stateDir).read(job.key);
    expect(orphan?.attempt).toBe(1);
    expect(await isRunning(orphanChild)).toBe(true);

    const log = recordingLog();
    const result = await runner.run(job, testContext(log));

    expect(result.exitCode).toBe(0);
    expect(log.warnings.join('\n')).toContain(`killed process group ${orphan?.pid}`);
    expect(await isRunning(orphanChild)).toBe(false);
    expect(await livingGroupMembers(orphan?.pid ?? -1)).toEqual([]);
  });

  it('passes secrets by name, masks them in logs, and keeps the worker environment out', async () => {
    const secret = 's3cr3t-token-value';
    process.env.WEIR_TEST_DATABASE_PASSWORD = 'must-not-leak';
    const secretRunner = new LocalProcessRunner({ stateDir, secretSource: { API_TOKEN: secret } });
    const log = recordingLog();
    const job = testJob(path.join(dir, 'secrets'), 'run-secrets', {
      command: ['sh', '-c', 'printf %s "$API_TOKEN" | sha256sum; echo "token=$API_TOKEN"; echo "db=${WEIR_TEST_DATABASE_PASSWORD:-unset}"; echo "{\\"ok\\": 1}" > "$OUTPUT_DIR/metrics.json"'],
      secretEnv: ['API_TOKEN'],
    });
    try {
      const result = await secretRunner.run(job, testContext(log));

      expect(log.lines).toContain(`${sha256(secret)}  -`);
      expect(log.lines).toContain('token=***');
      expect(log.lines).toContain('db=unset');
      const everything = JSON.stringify({ job, result }) + (await readFile(job.logFile, 'utf8')) + log.lines.join('\n');
      expect(everything).not.toContain(secret);
    } finally {
      delete process.env.WEIR_TEST_DATABASE_PASSWORD;
    }

    const missing = testJob(path.join(dir, 'secrets-missing'), 'run-secrets-missing', { command: ['true'], secretEnv: ['NOT_SET_ANYWHERE'] });
    const error = await secretRunner.run(missing, testContext()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MissingSecretError);
    expect((error as MissingSecretError).variable).toBe('NOT_SET_ANYWHERE');
  });
});
