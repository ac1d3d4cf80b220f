import { describe, expect, it } from 'vitest';
import { carryRun, utf8Bytes, type CarriedRun } from './carried-run.ts';
import { compressCarriedRun, CorruptCarriedRunError, openCarriedRun } from './compressed-carried-run.ts';
import type { Plan, PlanTask, RunInfo, TaskRunState } from './types.ts';

const START = Date.parse('2026-11-30T06:00:00.000Z');
/** The SDK logs a warning for any payload above this. */
const SDK_PAYLOAD_WARNING_BYTES = 512 * 1024;
const options = { retries: 3, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };
const run: RunInfo = { runId: 'big-manual-1', dagId: 'big', runType: 'manual', logicalDate: new Date(START).toISOString(), dataIntervalStart: new Date(START).toISOString(), dataIntervalEnd: new Date(START).toISOString() };

/** 400 layers of 50 tasks, each needing two of the layer above: test/dags-scale/static_20000.ts. */
function layeredPlan(layers: number): Plan {
  const tasks: PlanTask[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let i = 0; i < 50; i++) {
      const needs = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % 50}`];
      tasks.push({ id: `t${layer}_${i}`, kind: 'task', needs, triggerRule: 'all_success', options });
    }
  }
  return { planVersion: 1, dagId: 'big', file: 'big.ts', clearWindowMs: 0, tasks };
}

/**
 * The run near its end: all but the last layer succeeded, each returning its layer as the scale
 * DAG's tasks do. A layer takes about 2.3 s; start and end times vary from task to task as they
 * do in a real run (a fixed pseudo-random sequence, so the sizes are stable).
 */
function nearlyDone(plan: Plan): CarriedRun {
  const outputs = new Map<string, unknown>();
  let seed = 20_000;
  const jitter = (range: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % range;
  };
  const tasks = plan.tasks.map((task, i): TaskRunState => {
    const done = i < plan.tasks.length - 50;
    const layer = Math.floor(i / 50);
    if (done) outputs.set(task.id, layer);
    const start = START + layer * 2_300 + jitter(400);
    return {
      id: task.id,
      kind: task.kind,
      state: done ? 'success' : 'pending',
      attempts: done ? 1 : 0,
      startedAt: done ? new Date(start).toISOString() : null,
      endedAt: done ? new Date(start + 30 + jitter(900)).toISOString() : null,
      error: null,
    };
  });
  const snapshot = { runId: run.runId, dagId: 'big', runType: 'manual' as const, status: 'running' as const, logicalDate: run.logicalDate, startedAt: new Date(START).toISOString(), endedAt: null, params: { n: 1 }, tasks };
  return carryRun({ plan, snapshot, outputs, branchChoices: {}, run, continuations: 40, maxHistoryEvents: 10_000 });
}

describe('compressCarriedRun', () => {
  const plain = nearlyDone(layeredPlan(400));
  const plainBytes = utf8Bytes(JSON.stringify(plain));
  const compressed = compressCarriedRun(plain);
  const compressedBytes = utf8Bytes(JSON.stringify(compressed));

  it('brings the end of a 20,000-task run under the SDK payload warning', () => {
    console.log(`carried run of 20,000 tasks near its end: ${plainBytes} bytes plain, ${compressedBytes} bytes compressed`);
    expect(plainBytes).toBeGreaterThan(SDK_PAYLOAD_WARNING_BYTES * 2);
    expect(compressedBytes).toBeLessThan(SDK_PAYLOAD_WARNING_BYTES);
    expect(compressedBytes).toBeLessThan(plainBytes / 5);
  });

  it('opens to exactly the run it was made from, after the JSON round trip a payload makes', () => {
    expect(openCarriedRun(JSON.parse(JSON.stringify(compressed)))).toEqual(plain);
  });

  it('gives the same string for the same run, as replay needs', () => {
    expect(compressCarriedRun(nearlyDone(layeredPlan(400))).data).toBe(compressed.data);
  });

  it('opens a plain run recorded before compression as it is', () => {
    expect(openCarriedRun(plain)).toBe(plain);
  });

  it('names a damaged payload', () => {
    expect(() => openCarriedRun({ ...compressed, data: compressed.data.slice(0, 4000) })).toThrow(CorruptCarriedRunError);
    expect(() => openCarriedRun({ ...compressed, data: '!!!!' })).toThrow(/cannot be read: invalid base64 at character 0/);
  });
});
