import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPackedRunSnapshot, packRunSnapshot, plainRunSnapshot, snapshotEntries, unpackRunSnapshot } from './packed-snapshot.ts';
import { TASK_STATES, type RunSnapshot, type TaskRunState } from './types.ts';

const START = Date.parse('2026-11-30T06:00:00.000Z');
const isoAfter = fc.option(fc.integer({ min: 0, max: 10 * 86_400_000 }).map((ms) => new Date(START + ms).toISOString()), { nil: null });
const text = fc.option(fc.string({ maxLength: 40 }), { nil: null });

const taskArb = fc.record({
  kind: fc.constantFrom('task', 'branch', 'map', 'approval') as fc.Arbitrary<TaskRunState['kind']>,
  state: fc.constantFrom(...TASK_STATES),
  attempts: fc.nat(9),
  startedAt: isoAfter,
  endedAt: isoAfter,
  error: text,
  reason: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  instances: fc.option(fc.array(fc.record({ state: fc.constantFrom(...TASK_STATES), attempts: fc.nat(5), error: text }), { maxLength: 5 }), { nil: undefined }),
});

const snapshotArb = fc.array(taskArb, { maxLength: 30 }).map(
  (specs): RunSnapshot => ({
    runId: 'r-1',
    dagId: 'd',
    runType: 'manual',
    status: 'running',
    logicalDate: new Date(START).toISOString(),
    startedAt: new Date(START).toISOString(),
    endedAt: null,
    params: { n: 3 },
    tasks: specs.map(({ reason, instances, ...spec }, index) => ({
      id: `t${index}`,
      ...spec,
      ...(reason !== undefined ? { reason } : {}),
      ...(instances ? { instances: instances.map((instance, i) => ({ index: i, ...instance })) } : {}),
    })),
  }),
);

describe('packRunSnapshot', () => {
  it('round-trips every snapshot exactly, through JSON', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const packed = JSON.parse(JSON.stringify(packRunSnapshot(snapshot))) as unknown;
        expect(isPackedRunSnapshot(packed)).toBe(true);
        expect(plainRunSnapshot(packed as RunSnapshot)).toEqual(snapshot);
      }),
      { seed: 20_261_130, numRuns: 300 },
    );
  });

  it('leaves a plain snapshot as it is', () => {
    const snapshot: RunSnapshot = { runId: 'r', dagId: 'd', runType: 'manual', status: 'success', logicalDate: 'x', startedAt: 'x', endedAt: null, params: {}, tasks: [] };
    expect(isPackedRunSnapshot(snapshot)).toBe(false);
    expect(plainRunSnapshot(snapshot)).toBe(snapshot);
  });

  it('packs the finished run of a 20,000-task DAG into well under the 2 MB payload limit', () => {
    const tasks: TaskRunState[] = Array.from({ length: 20_000 }, (_, i) => ({
      id: `t${Math.floor(i / 50)}_${i % 50}`,
      kind: 'task',
      state: 'success',
      attempts: 1,
      startedAt: new Date(START + i * 37).toISOString(),
      endedAt: new Date(START + i * 37 + 15).toISOString(),
      error: null,
    }));
    const snapshot: RunSnapshot = { runId: 'static_20000-manual-x', dagId: 'static_20000', runType: 'manual', status: 'success', logicalDate: new Date(START).toISOString(), startedAt: new Date(START).toISOString(), endedAt: new Date(START + 900_000).toISOString(), params: {}, tasks };
    const plain = JSON.stringify(snapshot).length;
    const packed = JSON.stringify(packRunSnapshot(snapshot)).length;
    expect(plain).toBeGreaterThan(2 * 1024 * 1024);
    expect(packed).toBeLessThan(1024 * 1024);
    expect(snapshotEntries(tasks)).toBe(20_000);
    expect(unpackRunSnapshot(packRunSnapshot(snapshot))).toEqual(snapshot);
  });
});
