import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { testStack } from '../stack.ts';
import { expectContained, expectOneLineFailure, lines, runWeir } from './outside.ts';

const DAGS = fileURLToPath(new URL('./dags/', import.meta.url));
const taskQueue = `fault-limits-${randomUUID().slice(0, 8)}`;
let worker: TestWorker;

beforeAll(async () => {
  worker = await startTestWorker({ dagsDir: DAGS, taskQueue });
});
afterAll(async () => {
  await worker?.shutdown();
});

function weir(argv: string[], nodeArgs: string[] = []) {
  const { temporalAddress, databaseUrl } = testStack();
  return runWeir(['--dags', DAGS, ...argv], { env: { TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue }, nodeArgs });
}

describe('weir runs cancel on a run that cannot be cancelled', () => {
  it('refuses a closed run with exit 1 and one line saying it is closed', async () => {
    const runId = await triggerRun(worker.client, { dagId: 'fault_minutely', params: {}, taskQueue });
    expect((await waitForRun(worker.client, runId, () => {}, 200)).status).toBe('success');
    const result = await weir(['runs', 'cancel', runId]);
    expectOneLineFailure(result, `run ${runId} is already closed (success); there is nothing to cancel`);
    expect(result.stdout).not.toMatch(/cancellation requested/i);
    // The run is as it was.
    expect((await worker.client.workflow.getHandle(runId).describe()).status.name).toBe('COMPLETED');
  });

  it('names a run that does not exist', async () => {
    expectOneLineFailure(await weir(['runs', 'cancel', `no-such-run-${randomUUID()}`]), /no-such-run-/);
  });
});

describe('weir backfill over a range too large to start', () => {
  // A ten-year range of a minutely DAG holds 5.2 million ticks. Held in memory as dates they
  // need hundreds of MB; under a 96 MB heap, the command can only answer by counting lazily.
  const TEN_YEARS = ['--from', '2016-01-01', '--to', '2025-12-31'];

  it('asks for --max-runs or --yes, in one line, within a small heap', async () => {
    const result = await weir(['backfill', 'fault_minutely', ...TEN_YEARS], ['--max-old-space-size=96']);
    const line = expectOneLineFailure(result, 'the range holds more than 1000 runs of fault_minutely');
    expect(line).toContain('--max-runs N');
    expect(line).toContain('--yes');
    expect(result.stdout).toBe('');
  });

  it('starts exactly the first N with --max-runs N, within the same heap', async () => {
    const result = await weir(['backfill', 'fault_minutely', ...TEN_YEARS, '--max-runs', '2', '--json'], ['--max-old-space-size=96']);
    expectContained(result);
    expect(result.code, result.stderr).toBe(0);
    const printed = lines(result.stdout).map((line) => JSON.parse(line) as { runId?: string; logicalDate?: string; summary?: unknown });
    expect(printed.filter((entry) => entry.runId).map((entry) => entry.logicalDate)).toEqual(['2016-01-01T00:00:00.000Z', '2016-01-01T00:01:00.000Z']);
    expect(printed.at(-1)).toEqual({ summary: { started: 2, alreadyExisting: 0, truncated: true } });
    for (const entry of printed) if (entry.runId) expect((await waitForRun(worker.client, entry.runId, () => {}, 200)).status).toBe('success');
  });
});
