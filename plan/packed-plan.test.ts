import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packPlan, unpackPlan } from './packed-plan.ts';
import { TRIGGER_RULES, type Plan, type PlanTask } from './types.ts';

const optionsArb = fc.record(
  {
    retries: fc.integer({ min: 0, max: 5 }),
    retryDelayMs: fc.constantFrom(1000, 5000),
    backoffCoefficient: fc.constantFrom(1, 2),
    maxRetryDelayMs: fc.constantFrom(60_000),
    timeoutMs: fc.constantFrom(60_000, 3_600_000),
    heartbeatTimeoutMs: fc.constantFrom(30_000),
    queue: fc.constantFrom('gpu', 'weir'),
  },
  { requiredKeys: ['retries', 'retryDelayMs', 'backoffCoefficient', 'timeoutMs'] },
);

/** Plans in topological order: each task needs some of the tasks before it. */
const planArb = fc.array(
  fc.record({
    kind: fc.constantFrom('task', 'branch', 'map', 'approval') as fc.Arbitrary<PlanTask['kind']>,
    rule: fc.constantFrom(...TRIGGER_RULES),
    options: optionsArb,
    needPicks: fc.array(fc.nat(), { maxLength: 3 }),
    batch: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  }),
  { maxLength: 40 },
).map((specs): Plan => {
  const tasks = specs.map((spec, index): PlanTask => {
    const needs = index === 0 ? [] : [...new Set(spec.needPicks.map((pick) => `t${pick % index}`))];
    const task: PlanTask = { id: `t${index}`, kind: spec.kind, needs, triggerRule: spec.rule, options: spec.options };
    if (spec.kind === 'map' && needs[0]) Object.assign(task, { mapOver: needs[0], ...(spec.batch ? { mapBatchSize: spec.batch } : {}) });
    if (spec.kind === 'approval') task.approvalTimeoutMs = 86_400_000;
    return task;
  });
  return { planVersion: 1, dagId: 'd', file: 'd.ts', clearWindowMs: 0, tasks, schedule: { cron: '0 0 * * *', source: '@daily', timezone: 'UTC', catchup: false, maxActiveRuns: 1 } };
});

describe('packPlan', () => {
  it('round-trips every plan exactly', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        expect(unpackPlan(JSON.parse(JSON.stringify(packPlan(plan))))).toEqual(plan);
      }),
      { seed: 20_261_130, numRuns: 300 },
    );
  });

  it('packs a static DAG of 20,000 tasks into half of the 2 MB payload limit', () => {
    const options = { retries: 3, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };
    const tasks: PlanTask[] = [];
    for (let layer = 0; layer < 400; layer++) {
      for (let i = 0; i < 50; i++) {
        const needs = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % 50}`];
        tasks.push({ id: `t${layer}_${i}`, kind: 'task', needs, triggerRule: 'all_success', options });
      }
    }
    const plan: Plan = { planVersion: 1, dagId: 'static_20000', file: 'x.ts', clearWindowMs: 0, tasks };
    const plain = JSON.stringify(plan).length;
    const packed = JSON.stringify(packPlan(plan)).length;
    expect(plain).toBeGreaterThan(2 * 1024 * 1024);
    expect(packed).toBeLessThan(1024 * 1024);
    expect(unpackPlan(JSON.parse(JSON.stringify(packPlan(plan))))).toEqual(plan);
  });
});
