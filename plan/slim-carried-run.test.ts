import { describe, expect, it } from 'vitest';
import type { CarriedRun } from './carried-run.ts';
import { fattenCarriedRun, slimCarriedRun } from './slim-carried-run.ts';

const carried: CarriedRun = {
  carriedRunVersion: 1,
  packedPlan: {
    packedPlanVersion: 1,
    plan: { planVersion: 1, dagId: 'odd', file: 'odd.ts', clearWindowMs: 0 },
    options: [{ retries: 0, retryDelayMs: 0, backoffCoefficient: 2, timeoutMs: 1000 }],
    // A need that points forward, one that points nowhere (-1), a map task with extras.
    tasks: [['a', [], 0], ['b', [0, 2], 0, 'branch'], ['c', [-1], 0, 'map', 0, { mapOver: 'a' }]],
  },
  params: { x: 1 },
  run: { runId: 'odd-1', dagId: 'odd', runType: 'manual', logicalDate: '2026-11-30T00:00:00.000Z', dataIntervalStart: '2026-11-30T00:00:00.000Z', dataIntervalEnd: '2026-11-30T00:00:00.000Z' },
  startedAt: '2026-11-30T00:00:00.000Z',
  timeBase: 1_795_996_800_000,
  tasks: [
    ['a', 0, 3, 1, 120, 900],
    // Not in the plan's order: its id stays written out. Ended with no start time.
    ['c', 2, 4, 0, null, 950, 'boom', null, [[3, 1], [4, 2, 'bad row']]],
    ['b', 1, 0, 0],
    ['x', 0, 3, 2, 60],
  ],
  outputs: [[0, { rows: 3 }], [2, null], [7, 'late']],
  branchChoices: { b: ['c'] },
  continuations: 3,
  maxHistoryEvents: 500,
};

describe('slimCarriedRun', () => {
  it('comes back exactly as it was, after the JSON round trip a payload makes', () => {
    const slim = JSON.parse(JSON.stringify(slimCarriedRun(carried))) as CarriedRun;
    expect(fattenCarriedRun(slim)).toEqual(carried);
  });

  it('writes small, alike numbers in place of growing ones', () => {
    const slim = slimCarriedRun(carried);
    expect(slim.packedPlan.tasks.map((task) => task[1])).toEqual([[], [1, -1], [3]]);
    expect(slim.tasks[0]).toEqual([0, 0, 3, 1, 120, 780]);
    expect(slim.tasks[1]).toEqual(['c', 2, 4, 0, null, 950, 'boom', null, [[3, 1], [4, 2, 'bad row']]]);
    expect(slim.tasks[3]).toEqual(['x', 0, 3, 2, -60]);
    expect(slim.outputs.map(([step]) => step)).toEqual([0, 2, 5]);
  });

  it('leaves the run it was given alone', () => {
    const before = JSON.stringify(carried);
    slimCarriedRun(carried);
    expect(JSON.stringify(carried)).toBe(before);
  });
});
