import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { testStack } from '../stack.ts';
import { expectOneLineFailure, runWeir } from './outside.ts';
import { FAULT_SEED, sampleFaults } from './seed.ts';

const DAGS = fileURLToPath(new URL('./dags/', import.meta.url));
const taskQueue = `fault-params-${randomUUID().slice(0, 8)}`;
let worker: TestWorker;

beforeAll(async () => {
  worker = await startTestWorker({ dagsDir: DAGS, taskQueue });
});
afterAll(async () => {
  await worker?.shutdown();
});

/**
 * Starts fault_params as the Temporal UI's "Start Workflow" form does (type = DAG id, input =
 * the params JSON as typed, nothing else), and waits for it to close. Resolves with how it
 * ended and whether any task was scheduled.
 */
async function startAsTheUiDoes(paramsJson: string) {
  const workflowId = `fault-ui-${randomUUID()}`;
  // JSON.parse, as the UI's form does: a `__proto__` key stays an own key.
  const handle = await worker.client.workflow.start('fault_params', { workflowId, taskQueue, args: [JSON.parse(paramsJson) as unknown] });
  const outcome = await handle.result().then(
    (result: unknown) => ({ failed: false as const, result }),
    (error: unknown) => ({ failed: true as const, cause: (error as { cause?: { type?: string; message?: string } }).cause }),
  );
  const events = (await handle.fetchHistory()).events ?? [];
  const tasksScheduled = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'fault_params.use').length;
  return { ...outcome, tasksScheduled, status: (await handle.describe()).status.name };
}

describe('params through the CLI, against the real stack', () => {
  it('refuses an unknown key in one line naming it and the closest known one', async () => {
    const { temporalAddress, databaseUrl } = testStack();
    const result = await runWeir(['--dags', DAGS, 'trigger', 'fault_params', '--param', 'nn=5', '--wait'], {
      env: { TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue },
    });
    expectOneLineFailure(result, 'Invalid params for DAG fault_params: nn: unknown param, did you mean "n"? (known: n, label, threshold)');
    expect(result.stdout).toBe('');
  });
});

// Params objects as someone types them into the UI: known keys with good and bad values, typos, inherited names.
const KEYS = ['n', 'label', 'threshold', 'nn', 'lable', 'treshold', 'N', '__proto__', 'constructor', 'toString', ''];
const VALUES = ['1', '7', '0', '-2', '1.5', '"3"', '"text"', '""', 'true', 'null', '[]', '{"n":7}', '0.25', '1e3'];
const paramsJson = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { minLength: 1, maxLength: 3, selector: ([key]) => key })
  .map((pairs) => `{${pairs.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')}}`);

/** What the DAG's schema accepts, worked out independently: known keys only, each of its type. */
function expectedProblems(json: string): string[] {
  const problems: string[] = [];
  // JSON.parse keeps `__proto__` as an own key, as it arrives on the worker.
  for (const [key, value] of Object.entries(JSON.parse(json) as Record<string, unknown>)) {
    if (key === 'n' && !(Number.isInteger(value) && (value as number) >= 1)) problems.push('n: ');
    else if (key === 'label' && typeof value !== 'string') problems.push('label: ');
    else if (key === 'threshold' && typeof value !== 'number') problems.push('threshold: ');
    else if (!['n', 'label', 'threshold'].includes(key)) problems.push(`${key}: unknown param, did you mean "`);
  }
  return problems;
}

describe('params through a workflow started directly, as the Temporal UI does', () => {
  const cases = [
    ...['{"n": 3, "label": "ok"}', '{"nn": 5}', '{"n": "many"}', '{"n": 0, "label": 3}', '{"__proto__": {"n": 7}}', '"just text"', '[1, 2]', '42'],
    ...sampleFaults(paramsJson, 12),
  ];

  it.each(cases)(`%s fails the run before any task runs, naming each offending key, or runs when valid (seed ${FAULT_SEED})`, async (json) => {
    const outcome = await startAsTheUiDoes(json);
    const parsed = JSON.parse(json) as unknown;
    const problems = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? expectedProblems(json) : ['params must be a JSON object'];
    if (problems.length === 0) {
      // Control: a valid object runs, so the refusals above are the schema's doing.
      expect(outcome).toMatchObject({ failed: false, status: 'COMPLETED', tasksScheduled: 1 });
      return;
    }
    expect(outcome.failed, `${json} was accepted`).toBe(true);
    if (!outcome.failed) return;
    expect(outcome.cause?.type).toBe('InvalidParamsError');
    const message = outcome.cause?.message ?? '';
    expect(message.startsWith('Invalid params for DAG fault_params: ')).toBe(true);
    expect(message).not.toContain('\n');
    for (const problem of problems) expect(message).toContain(problem);
    expect(outcome.tasksScheduled).toBe(0);
    expect(outcome.status).toBe('FAILED');
  });
});
