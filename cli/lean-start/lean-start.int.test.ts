import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRunStart, type RunStart } from '../../control/run-start.ts';
import { startRun, waitForRun } from '../../control/runs.ts';
import { TemporalUnreachableError } from '../../worker/temporal-unreachable.ts';
import { startTestWorker, TEST_DAGS_DIR, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';
import { captureIo } from '../capture-io.ts';
import { runCli } from '../run-cli.ts';
import { newRunId } from '../../control/run-start.ts';
import { plainRunSnapshot } from '../../plan/packed-snapshot.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import type { RunOptions } from '../../workflows/run-identity.ts';
import { runToJson } from '../run-view.ts';
import { RunAlreadyStartedError, startRunLean } from './lean-start.ts';
import { awaitRunCloseLean, awaitRunPickupLean, waitForRunLean } from './lean-wait.ts';

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

describe('the lean wait against the real dev server', () => {
  const REPO = fileURLToPath(new URL('../..', import.meta.url));

  it('follows a run to its end with progress, and ends with the result the client reads', async () => {
    const runId = `lean-wait-${randomUUID()}`;
    await startRunLean(settings(), describeRunStart({ dagId: 'parallel', params: {}, taskQueue: weir.taskQueue, runId }));
    const seen: RunSnapshot[] = [];
    const final = await waitForRunLean(settings(), runId, (snapshot) => seen.push(snapshot), 200);
    expect(final?.status).toBe('success');
    expect(final).toEqual(plainRunSnapshot(await weir.client.workflow.getHandle(runId).result()));
    // The tasks sleep 1.5 s: polls saw the run going before the last report, which is the end.
    expect(seen.filter((snapshot) => snapshot.status === 'running').length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual(final);
  });

  it('hands a run that failed to the Temporal client, which says why', async () => {
    // Params the worker refuses (the CLI would have refused them first): the run fails before any task.
    const runId = `lean-refused-${randomUUID()}`;
    await startRunLean(settings(), describeRunStart({ dagId: 'strict_params', params: { rows: -1 }, taskQueue: weir.taskQueue, runId }));
    expect(await waitForRunLean(settings(), runId)).toBeNull();
    expect((await weir.client.workflow.getHandle(runId).describe()).status.name).toBe('FAILED');
  });

  it('tells a run a worker took from one that closed at once and one nobody takes', async () => {
    // Its tasks sleep 1.5 s, so it is still going when the worker has prepared it.
    const taken = `lean-pickup-${randomUUID()}`;
    await startRunLean(settings(), describeRunStart({ dagId: 'parallel', params: {}, taskQueue: weir.taskQueue, runId: taken }));
    expect(await awaitRunPickupLean(settings(), taken)).toBe('prepared');
    const refused = `lean-pickup-refused-${randomUUID()}`;
    await startRunLean(settings(), describeRunStart({ dagId: 'strict_params', params: {}, taskQueue: weir.taskQueue, runId: refused }));
    await waitForRunLean(settings(), refused);
    expect(await awaitRunPickupLean(settings(), refused)).toBe('closed');
    const orphan = `lean-pickup-orphan-${randomUUID()}`;
    await startRunLean(settings(), describeRunStart({ dagId: 'diamond', params: {}, taskQueue: `${weir.taskQueue}-nobody`, runId: orphan }));
    expect(await awaitRunPickupLean(settings(), orphan, 400)).toBe('unclaimed');
    await weir.client.workflow.getHandle(orphan).terminate('test done');
  });

  it('follows a run through its continuations to the execution that completes', async () => {
    const logicalDate = new Date().toISOString();
    const runId = newRunId('fanout', 'manual', logicalDate);
    const options: RunOptions = { runType: 'manual', logicalDate, maxHistoryEvents: 120 };
    const handle = await weir.client.workflow.start('fanout', { taskQueue: weir.taskQueue, workflowId: runId, args: [{ n: 300 }, options] });
    const close = await awaitRunCloseLean(settings(), runId);
    expect((await weir.client.workflow.getHandle(runId).describe()).runId).not.toBe(handle.firstExecutionRunId);
    expect(close.completed).toBe(true);
    const snapshot = plainRunSnapshot((close as { result: RunSnapshot }).result);
    expect(snapshot.status).toBe('success');
    expect(snapshot.tasks.find((task) => task.id === 'total')?.state).toBe('success');
  });

  it('weir trigger --wait of a run that succeeds never loads the Temporal client, and prints what the client path prints', async () => {
    const traceFile = path.join(await mkdtemp(path.join(tmpdir(), 'weir-lean-trace-')), 'modules.txt');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: testStack().temporalAddress, WEIR_TASK_QUEUE: weir.taskQueue, WEIR_MODULE_TRACE: traceFile };
    const argv = ['--import', path.join(REPO, 'test', 'module-trace', 'register.mjs'), path.join(REPO, 'bin', 'weir.mjs'), '--dags', TEST_DAGS_DIR, 'trigger', 'diamond', '--wait', '--json'];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, argv, { cwd: REPO, env, timeout: 60_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    const printed = JSON.parse(stdout) as { runId: string; status: string };
    expect(printed.status).toBe('success');
    expect(printed).toEqual(JSON.parse(JSON.stringify(runToJson(plainRunSnapshot(await weir.client.workflow.getHandle(printed.runId).result())))));
    const modules = (await readFile(traceFile, 'utf8')).split('\n');
    expect(modules.some((module) => module.includes('/dist/cli/lean-start/lean-wait.js'))).toBe(true);
    expect(modules.filter((module) => /node_modules\/(@temporalio\/client|@grpc\/grpc-js)\//.test(module))).toEqual([]);
  });
});

async function captureCli(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIo({ env: { TEMPORAL_ADDRESS: testStack().temporalAddress, WEIR_TASK_QUEUE: weir.taskQueue, ...env } });
  const code = await runCli(['--dags', TEST_DAGS_DIR, ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
