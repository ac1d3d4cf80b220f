import { describe, expect, it } from 'vitest';
import type { Plan, PlanTask } from '../plan/types.ts';
import { renderMermaid, renderPlanText } from './dag-graph.ts';

const options = { retries: 2, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 600_000 };
const task = (id: string, extra: Partial<PlanTask> = {}): PlanTask => ({ id, kind: 'task', needs: [], triggerRule: 'all_success', options, ...extra });

const plan: Plan = {
  planVersion: 1,
  dagId: 'report',
  file: 'report.ts',
  clearWindowMs: 0,
  schedule: { cron: '0 0 * * *', source: '@daily', timezone: 'UTC', catchup: false, maxActiveRuns: 1 },
  tasks: [
    task('extract'),
    task('list', {}),
    task('count', { kind: 'map', needs: ['list'], mapOver: 'list' }),
    task('route', { kind: 'branch', needs: ['extract', 'count'] }),
    task('sign_off', { kind: 'approval', needs: ['route'], approvalTimeoutMs: 3_600_000 }),
    task('end', { needs: ['sign_off'], triggerRule: 'all_done' }),
  ],
};

describe('renderMermaid', () => {
  it('draws a graph TD with one shape per task kind and an edge per dependency', () => {
    expect(renderMermaid(plan)).toEqual([
      'graph TD',
      '  t0["extract"]',
      '  t1["list"]',
      '  t2[["count"]]',
      '  t3{"route"}',
      '  t4{{"sign_off"}}',
      '  t5["end (all_done)"]',
      '  t1 --> t2',
      '  t0 --> t3',
      '  t2 --> t3',
      '  t3 --> t4',
      '  t4 --> t5',
    ]);
  });

  it('never uses a task id as a Mermaid node id, so "end" cannot break the diagram', () => {
    expect(renderMermaid(plan).some((line) => /^\s+end\b/.test(line))).toBe(false);
  });
});

describe('renderPlanText', () => {
  it('lists tasks in run order with needs, kind, trigger rule, retries and timeouts', () => {
    const text = renderPlanText(plan).join('\n');
    expect(text).toContain('schedule: @daily (0 0 * * *) in UTC, catchup off, max active runs 1');
    expect(text).toMatch(/3\s+count\s+map over list\s+list\s+all_success\s+2 \(every 1s x2\)\s+10m/);
    expect(text).toMatch(/5\s+sign_off\s+approval\s+route\s+all_success\s+0\s+waits 1h/);
    expect(text).toMatch(/6\s+end\s+task\s+sign_off\s+all_done/);
  });
});
