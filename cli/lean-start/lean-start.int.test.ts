import { randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRunStart, type RunStart } from '../../control/run-start.ts';
import { startRun, waitForRun } from '../../control/runs.ts';
import { TemporalUnreachableError } from '../../worker/temporal-unreachable.ts';
import { startTestWorker, TEST_DAGS_DIR, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';
import { captureIo } from '../capture-io.ts';
import { runCli } from '../run-cli.ts';
import { RunAlreadyStartedError, startRunLean } from './lean-start.ts';

const { temporal } = proto;
const { EventType } = temporal.api.enums.v1;

let weir: TestWorker;

beforeAll(async () => {
  weir = await startTestWorker();
});
afterAll(async () => {
  await weir?.shutdown();
});

function settings(namespace = 'default') {
  return { address: testStack().temporalAddress, namespace };
}

function startOf(runId: string, logicalDate: Date): RunStart {
  return describeRunStart({ dagId: 'diamond', params: { note: 'same params, wéir' }, taskQueue: weir.taskQueue, runId, logicalDate, webUrl: 'http://weir.test:8080' });
}

/** The run's WorkflowExecutionStarted event as plain JSON, with what differs between any two runs (ids, times) taken out. */
async function startedEvent(runId: string): Promise<unknown> {
  const history = await weir.client.workflow.getHandle(runId).fetchHistory();
  const event = history.events?.[0];
  expect(event?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const json = temporal.api.history.v1.HistoryEvent.toObject(temporal.api.history.v1.HistoryEvent.create(event!), { bytes: String, longs: String, defaults: false }) as Record<string, unknown>;
  const attributes = json.workflowExecutionStartedEventAttributes as Record<string, unknown>;
  for (const varying of ['originalExecutionRunId', 'firstExecutionRunId', 'workflowExecutionExpirationTime']) delete attributes[varying];
  delete json.eventTime;
  delete json.taskId;
  // Payload bytes come out as base64: read them as text, then take out the run id (the metadata's link back to Weir holds it).
  return JSON.parse(JSON.stringify(json, (key, value: unknown) => ((key === 'data' || key === 'encoding') && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value)).replaceAll(runId, 'RUN_ID'));
}

describe('the lean start path against the real dev server', () => {
  it('starts a run whose WorkflowExecutionStarted event is the one the Temporal client path records', async () => {
    const logicalDate = new Date('2026-03-01T00:00:00.000Z');
    const leanId = `lean-${randomUUID()}`;
    const clientId = `clnt-${randomUUID()}`;
    const temporalRunId = await startRunLean(settings(), startOf(leanId, logicalDate));
    await startRun(weir.client, startOf(clientId, logicalDate));
    expect((await weir.client.workflow.getHandle(leanId).describe()).runId).toBe(temporalRunId);
    const [lean, client] = await Promise.all([startedEvent(leanId), startedEvent(clientId)]);
    expect(lean).toEqual(client);
    expect(JSON.stringify(lean)).toContain('diamond');
    // Both are ordinary runs that the worker takes and finishes.
    for (const runId of [leanId, clientId]) expect((await waitForRun(weir.client, runId, () => {}, 200)).status).toBe('success');
  });

  it('says a run id is taken exactly as the client path says it', async () => {
    const runId = `taken-${randomUUID()}`;
    await startRunLean(settings(), startOf(runId, new Date()));
    const lean = startRunLean(settings(), startOf(runId, new Date()));
    await expect(lean).rejects.toBeInstanceOf(RunAlreadyStartedError);
    const clientMessage = await startRun(weir.client, startOf(runId, new Date())).then(() => 'started', (error: Error) => error.message);
    await expect(lean).rejects.toThrow(clientMessage);
  });

  it('names a missing namespace as the client path does', async () => {
    const missing = `nope-${randomUUID().slice(0, 8)}`;
    const lean = await captureCli(['trigger', 'diamond'], { TEMPORAL_NAMESPACE: missing });
    expect(lean.stderr).toEqual([`weir: Namespace not found: '${missing}'`]);
    expect(lean.code).toBe(1);
  });

  it('reports a server that is not there as unreachable, with the address', async () => {
    const lean = startRunLean({ address: '127.0.0.1:1', namespace: 'default' }, startOf(`down-${randomUUID()}`, new Date()));
    await expect(lean).rejects.toBeInstanceOf(TemporalUnreachableError);
    await expect(lean).rejects.toThrow(/^cannot reach Temporal at 127\.0\.0\.1:1: connect ECONNREFUSED/);
  });

  it('leaves an encrypted start to the Temporal client, whose codec encrypts the params', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    // On a queue no worker serves (the test worker has no key, and its replay at shutdown could not read the run): the start is what this is about.
    const result = await captureCli(['trigger', 'diamond', '--param', 'secret=1', '--json'], { WEIR_PAYLOAD_KEY: key, WEIR_TASK_QUEUE: `${weir.taskQueue}-encrypted` });
    const runId = (JSON.parse(result.stdout.join('\n')) as { runId: string }).runId;
    const history = await weir.client.workflow.getHandle(runId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(input.map((payload) => Buffer.from(payload.metadata?.encoding ?? []).toString())).toEqual(['binary/encrypted', 'binary/encrypted']);
    await weir.client.workflow.getHandle(runId).terminate('test done');
  });
});

async function captureCli(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIo({ env: { TEMPORAL_ADDRESS: testStack().temporalAddress, WEIR_TASK_QUEUE: weir.taskQueue, ...env } });
  const code = await runCli(['--dags', TEST_DAGS_DIR, ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
