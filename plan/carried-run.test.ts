import { describe, expect, it } from 'vitest';
import { carryRun, MAX_CARRIED_RUN_BYTES, uncarryRun, utf8Bytes } from './carried-run.ts';
import type { Plan, PlanTask, RunInfo, RunSnapshot, TaskRunState } from './types.ts';

const START = Date.parse('2026-11-30T06:00:00.000Z');
const options = { retries: 3, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };

function layeredPlan(layers: number): Plan {
  const tasks: PlanTask[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let i = 0; i < 50; i++) {
      const needs = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % 50}`];
      tasks.push({ id: `t${layer}_${i}`, kind: 'task', needs, triggerRule: 'all_success', options });
    }
  }
  return { planVersion: 1, dagId: 'static', file: 'static.ts', clearWindowMs: 0, tasks };
}

const run: RunInfo = { runId: 'r-1', dagId: 'static', runType: 'manual', logicalDate: new Date(START).toISOString(), dataIntervalStart: new Date(START).toISOString(), dataIntervalEnd: new Date(START).toISOString() };

function halfDone(plan: Plan): { snapshot: RunSnapshot; outputs: Map<string, unknown> } {
  const outputs = new Map<string, unknown>();
  const tasks = plan.tasks.map((task, i): TaskRunState => {
    const done = i < plan.tasks.length / 2;
    if (done) outputs.set(task.id, { layer: Math.floor(i / 50), rows: i * 1000 });
    return {
      id: task.id,
      kind: task.kind,
      state: done ? 'success' : 'pending',
      attempts: done ? 1 : 0,
      startedAt: done ? new Date(START + i * 40).toISOString() : null,
      endedAt: done ? new Date(START + i * 40 + 12).toISOString() : null,
      error: null,
    };
  });
  return { snapshot: { runId: run.runId, dagId: 'static', runType: 'manual', status: 'running', logicalDate: run.logicalDate, startedAt: new Date(START).toISOString(), endedAt: null, params: { n: 1 }, tasks }, outputs };
}

describe('carryRun', () => {
  it('hands the next execution the plan, every task state, output and branch choice', () => {
    const plan = layeredPlan(4);
    const { snapshot, outputs } = halfDone(plan);
    const carried = JSON.parse(JSON.stringify(carryRun({ plan, snapshot, outputs, branchChoices: { t0_0: ['t1_0'] }, run, continuations: 2, maxHistoryEvents: 300 })));
    const restored = uncarryRun(carried);
    expect(restored.plan).toEqual(plan);
    expect(restored.snapshot).toEqual(snapshot);
    expect(restored.outputs).toEqual(outputs);
    expect(carried).toMatchObject({ continuations: 2, maxHistoryEvents: 300, branchChoices: { t0_0: ['t1_0'] }, run });
  });

  it('carries a 20,000-task run half done, with small outputs, in one payload', () => {
    const plan = layeredPlan(400);
    const { snapshot, outputs } = halfDone(plan);
    const bytes = utf8Bytes(JSON.stringify(carryRun({ plan, snapshot, outputs, branchChoices: {}, run, continuations: 1, maxHistoryEvents: 10_000 })));
    expect(bytes).toBeLessThan(MAX_CARRIED_RUN_BYTES);
  });
});

describe('utf8Bytes', () => {
  it('counts as Buffer does', () => {
    for (const text of ['', 'plain', 'grüße', '日本語', 'emoji 🚀 and more', JSON.stringify({ a: 'é'.repeat(100) })]) {
      expect(utf8Bytes(text)).toBe(Buffer.byteLength(text));
    }
  });
});
