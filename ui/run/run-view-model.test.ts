import { describe, expect, it } from 'vitest';
import type { Plan, TaskRunState } from '../../plan/types.ts';
import { artifactUris, drawingForRun, driftSummaryOf, instanceCounts, paintOf, planForRun, stateLine } from './run-view-model.ts';

const options = { retries: 0, retryDelayMs: 0, backoffCoefficient: 1, timeoutMs: 1000 };
const plan: Plan = {
  planVersion: 1,
  dagId: 'd',
  file: 'd.ts',
  clearWindowMs: 0,
  tasks: [
    { id: 'list', kind: 'task', needs: [], triggerRule: 'all_success', options },
    { id: 'each', kind: 'map', needs: ['list'], triggerRule: 'all_success', options, mapOver: 'list' },
  ],
};
const state = (id: string, extra: Partial<TaskRunState> = {}): TaskRunState => ({ id, kind: 'task', state: 'success', attempts: 1, startedAt: null, endedAt: null, error: null, ...extra });

describe('the run page model', () => {
  it('paints mapped tasks as one box with their instance count', () => {
    const instances = Array.from({ length: 10_000 }, (_, index) => ({ index, state: index < 3 ? ('failed' as const) : ('success' as const), attempts: 1, error: null }));
    const paint = paintOf([state('list'), state('each', { kind: 'map', state: 'failed', instances })]);
    expect(paint.get('each')).toEqual({ state: 'failed', instances: 10_000 });
    expect(paint.get('list')).toEqual({ state: 'success' });
    expect(instanceCounts(state('each', { instances }))).toEqual([['success', 9_997], ['failed', 3]]);
  });

  it("draws a run with the DAG's plan only when the plan has exactly the run's tasks", () => {
    expect(planForRun({ dagId: 'd', tasks: [state('each'), state('list')] }, plan)).toEqual({ plan, matchesRun: true });
    const changed = planForRun({ dagId: 'd', tasks: [state('list'), state('old')] }, plan);
    expect(changed.matchesRun).toBe(false);
    expect(changed.plan.tasks.map((task) => [task.id, task.needs])).toEqual([['list', []], ['old', []]]);
    expect(planForRun({ dagId: 'gone', tasks: [state('a')] }, undefined).matchesRun).toBe(false);
  });

  it('draws a run with the plan it recorded, whatever the DAG file says now', () => {
    const edited: Plan = { ...plan, tasks: [...plan.tasks, { id: 'extra', kind: 'task', needs: ['each'], triggerRule: 'all_success', options }] };
    const drawn = drawingForRun({ dagId: 'd', tasks: [state('list'), state('each')] }, plan, edited);
    expect(drawn).toMatchObject({ plan, source: 'recorded' });
    expect(drawn.note).toContain('The DAG file has changed since this run started');
    // Unchanged (or gone): nothing to say.
    expect(drawingForRun({ dagId: 'd', tasks: [] }, plan, { ...plan, tasks: [...plan.tasks].reverse() })).toEqual({ plan, source: 'recorded' });
    expect(drawingForRun({ dagId: 'd', tasks: [] }, plan, undefined)).toEqual({ plan, source: 'recorded' });
  });

  it('falls back to the current plan, then to the bare tasks, and says why', () => {
    const same = drawingForRun({ dagId: 'd', tasks: [state('list'), state('each')] }, null, plan, 'no key');
    expect(same).toMatchObject({ plan, source: 'current' });
    expect(same.note).toContain('(no key)');
    expect(same.note).toContain("the DAG's current plan");
    const changed = drawingForRun({ dagId: 'd', tasks: [state('list'), state('old')] }, null, plan);
    expect(changed.source).toBe('tasks');
    expect(changed.note).toContain('without their edges');
  });

  it('heads the panel with the state and the reason a task did not run', () => {
    expect(stateLine({ state: 'skipped', reason: 'branch `route` chose `publish`' })).toBe('skipped: branch `route` chose `publish`');
    expect(stateLine({ state: 'success' })).toBe('success');
  });

  it('finds artifact URIs anywhere in an output, and nothing else', () => {
    expect(artifactUris({ model: 's3://bucket/models/m.onnx', stats: { files: ['file:///data/a.csv', 'not a uri', 'http://example.com/x'] }, n: 3 })).toEqual([
      { path: 'model', uri: 's3://bucket/models/m.onnx' },
      { path: 'stats.files[0]', uri: 'file:///data/a.csv' },
    ]);
    expect(artifactUris('file:///x.json')).toEqual([{ path: '(output)', uri: 'file:///x.json' }]);
    expect(artifactUris(Array.from({ length: 100 }, (_, i) => `file:///f${i}`), 5)).toHaveLength(5);
  });

  it("recognises a drift task's summary by its fields", () => {
    const summary = { drifted: true, driftedColumns: ['age'], share: 0.5, reportUri: 'file:///r.json', htmlUri: 'file:///r.html', baselineId: 'b1' };
    expect(driftSummaryOf(summary)).toEqual({ drifted: true, driftedColumns: ['age'], share: 0.5, reportUri: 'file:///r.json', htmlUri: 'file:///r.html' });
    expect(driftSummaryOf({ drifted: true })).toBeNull();
    expect(driftSummaryOf('drifted')).toBeNull();
  });
});
