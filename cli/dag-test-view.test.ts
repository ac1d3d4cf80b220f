import { describe, expect, it } from 'vitest';
import type { TaskOutcome } from '../testing/test-dag.ts';
import { formatTestLogEntry } from '../testing/worker-log.ts';
import { compactJson, dagTestToJson, renderDagTestTable, renderTaskTestEvents } from './dag-test-view.ts';
import { parseUpstreamJson } from './commands/tasks.ts';

function outcome(fields: Partial<TaskOutcome> & Pick<TaskOutcome, 'id' | 'state'>): TaskOutcome {
  return { kind: 'task', attempts: 1, startedAt: null, endedAt: null, durationMs: null, error: null, output: undefined, ...fields };
}

describe('compactJson', () => {
  it('prints short values whole and cuts long ones with an ellipsis', () => {
    expect(compactJson({ rows: 1200 })).toBe('{"rows":1200}');
    expect(compactJson(null)).toBe('null');
    expect(compactJson(undefined)).toBe('');
    const cut = compactJson('x'.repeat(200), 20);
    expect(cut).toHaveLength(20);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('renderDagTestTable', () => {
  it('shows each task with its time and its output, or its error on one line', () => {
    const lines = renderDagTestTable({
      tasks: [
        outcome({ id: 'extract', state: 'success', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.500Z', output: { rows: 3 } }),
        outcome({ id: 'check', state: 'failed', attempts: 2, error: 'boom\n  at line 3' }),
        outcome({ id: 'publish', state: 'upstream_failed', attempts: 0 }),
      ],
    });
    expect(lines).toEqual([
      'TASK     STATE            ATTEMPTS  TOOK  OUTPUT / ERROR',
      'extract  success          1         1.5s  {"rows":3}',
      'check    failed           2               error: boom at line 3',
      'publish  upstream_failed  0',
    ]);
  });
});

describe('dagTestToJson', () => {
  it('keeps outputs of tasks that have one and leaves the key out otherwise', () => {
    const snapshot = { runId: 'r', dagId: 'd', runType: 'manual' as const, status: 'success' as const, logicalDate: '', startedAt: '', endedAt: null, params: {}, tasks: [] };
    const json = dagTestToJson({ runId: 'r', dagId: 'd', status: 'success', params: { a: 1 }, snapshot, tasks: [outcome({ id: 'a', state: 'success', output: 0 }), outcome({ id: 'b', state: 'skipped' })] });
    expect(json.tasks[0]).toMatchObject({ id: 'a', output: 0 });
    expect(json.tasks[1]).not.toHaveProperty('output');
    expect(json).toMatchObject({ runId: 'r', dagId: 'd', status: 'success', params: { a: 1 } });
  });
});

describe('renderTaskTestEvents', () => {
  it('prints one line per emitted event', () => {
    expect(renderTaskTestEvents({ events: [{ type: 'drift', details: { share: 0.5 } }] })).toEqual(['emitted drift {"share":0.5}']);
  });
});

describe('formatTestLogEntry', () => {
  it('prints a task log line with its task, attempt and own attributes, and no task token', () => {
    const line = formatTestLogEntry({
      level: 'WARN',
      message: 'too few rows',
      meta: { sdkComponent: 'activity', activityType: 'churn.alert', attempt: 2, taskToken: 'secret-token', workflowId: 'w', rows: 3 },
    });
    expect(line).toBe('churn.alert#2 warn too few rows {"rows":3}');
  });

  it('gives an error attribute as its message', () => {
    const line = formatTestLogEntry({ level: 'WARN', message: 'Activity failed', meta: { activityType: 'd.load', attempt: 1, error: new Error('warehouse unreachable') } });
    expect(line).toBe('d.load#1 warn Activity failed {"error":"warehouse unreachable"}');
  });

  it('drops the worker routine and keeps its warnings', () => {
    expect(formatTestLogEntry({ level: 'INFO', message: 'Worker state changed', meta: { sdkComponent: 'worker', state: 'RUNNING' } })).toBeNull();
    expect(formatTestLogEntry({ level: 'WARN', message: 'slow poll', meta: { sdkComponent: 'worker' } })).toBe('warn slow poll');
  });
});

describe('parseUpstreamJson', () => {
  it('accepts an object of task outputs and refuses anything else with an example', () => {
    expect(parseUpstreamJson('{"extract": {"rows": 1}}')).toEqual({ extract: { rows: 1 } });
    expect(() => parseUpstreamJson('[1]')).toThrow(/must be a JSON object of upstream task id to output/);
    expect(() => parseUpstreamJson('{nope')).toThrow(/not valid JSON/);
  });
});
