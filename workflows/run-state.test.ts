import { describe, expect, it } from 'vitest';
import { isPackedRunSnapshot, plainRunSnapshot } from '../plan/packed-snapshot.ts';
import type { Plan, RunInfo } from '../plan/types.ts';
import { RunState } from './run-state.ts';

const options = { retries: 0, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };
const run: RunInfo = { runId: 'r', dagId: 'd', runType: 'manual', logicalDate: '2026-11-30T00:00:00.000Z', dataIntervalStart: '2026-11-30T00:00:00.000Z', dataIntervalEnd: '2026-11-30T00:00:00.000Z' };
const planOf = (tasks: number): Plan => ({
  planVersion: 1,
  dagId: 'd',
  file: 'd.ts',
  clearWindowMs: 0,
  tasks: Array.from({ length: tasks }, (_, i) => ({ id: `t${i}`, kind: 'task' as const, needs: i === 0 ? [] : [`t${i - 1}`], triggerRule: 'all_success' as const, options })),
});

describe('RunState', () => {
  it('sends a snapshot of more than 5,000 tasks packed, unless the run predates packing, and a small one plain', () => {
    const large = new RunState(run, '2026-11-30T00:00:01.000Z');
    large.adopt(planOf(5_001), {});
    large.finish('t0', 'success', '2026-11-30T00:00:02.000Z', { attempts: 1, output: 1 });
    const packed = large.transportSnapshot(true);
    expect(isPackedRunSnapshot(packed)).toBe(true);
    expect(plainRunSnapshot(packed)).toEqual(large.snapshot());
    expect(isPackedRunSnapshot(large.transportSnapshot(false))).toBe(false);
    const small = new RunState(run, '2026-11-30T00:00:01.000Z');
    small.adopt(planOf(5_000), {});
    expect(isPackedRunSnapshot(small.transportSnapshot(true))).toBe(false);
  });

  it('restores what an earlier execution recorded: states, outputs and branch choices', () => {
    const earlier = new RunState(run, '2026-11-30T00:00:01.000Z');
    earlier.adopt(planOf(3), { n: 1 });
    earlier.markRunning('t0', '2026-11-30T00:00:02.000Z');
    earlier.finish('t0', 'success', '2026-11-30T00:00:03.000Z', { attempts: 2, output: { rows: 5 } });
    earlier.branchChoices.t0 = ['t1'];
    const later = new RunState(run, earlier.startedAt);
    later.restore(planOf(3), { n: 1 }, earlier.snapshot().tasks, earlier.outputs, earlier.branchChoices);
    expect(later.snapshot()).toEqual(earlier.snapshot());
    expect(later.outputs.get('t0')).toEqual({ rows: 5 });
    expect(later.branchChoices).toEqual({ t0: ['t1'] });
    expect(later.upstreamOutputs(planOf(3).tasks[1]!)).toEqual({ t0: { rows: 5 } });
  });
});
