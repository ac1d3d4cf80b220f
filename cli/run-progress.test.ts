import { describe, expect, it } from 'vitest';
import type { RunSnapshot, TaskRunState } from '../plan/types.ts';
import { captureIo } from './capture-io.ts';
import { ChangeLineReporter, createProgressReporter } from './run-progress.ts';

const task = (id: string, state: TaskRunState['state'], extra: Partial<TaskRunState> = {}): TaskRunState => ({
  id,
  kind: 'task',
  state,
  attempts: state === 'pending' ? 0 : 1,
  startedAt: null,
  endedAt: null,
  error: null,
  ...extra,
});

const snapshot = (status: RunSnapshot['status'], tasks: TaskRunState[]): RunSnapshot => ({
  runId: 'r1',
  dagId: 'd',
  runType: 'manual',
  status,
  logicalDate: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  params: {},
  tasks,
});

describe('ChangeLineReporter', () => {
  it('prints one line per task state change and per run status change', () => {
    const io = captureIo();
    const reporter = new ChangeLineReporter(io, () => new Date('2026-01-01T10:20:30Z'));
    reporter.update(snapshot('running', [task('a', 'running'), task('b', 'pending')]));
    reporter.update(snapshot('running', [task('a', 'running'), task('b', 'pending')]));
    reporter.update(snapshot('failed', [task('a', 'success'), task('b', 'failed', { attempts: 3, error: 'boom' })]));
    expect(io.stdout).toEqual([
      '10:20:30  a  running',
      '10:20:30  run r1  running',
      '10:20:30  a  success',
      '10:20:30  b  failed (attempt 3): boom',
      '10:20:30  run r1  failed',
    ]);
  });

  it('shows how many instances of a mapped task are done', () => {
    const io = captureIo();
    const reporter = new ChangeLineReporter(io, () => new Date('2026-01-01T00:00:00Z'));
    const instances = [
      { index: 0, state: 'success' as const, attempts: 1, error: null },
      { index: 1, state: 'running' as const, attempts: 1, error: null },
    ];
    reporter.update(snapshot('running', [task('m', 'running', { kind: 'map', instances })]));
    expect(io.stdout[0]).toBe('00:00:00  m  running 1/2');
  });
});

describe('createProgressReporter on a terminal', () => {
  it('redraws the table in place', () => {
    const writes: string[] = [];
    const io = { ...captureIo({ isTTY: true }), write: (text: string) => writes.push(text) };
    const reporter = createProgressReporter(io);
    reporter.update(snapshot('running', [task('a', 'running')]));
    reporter.update(snapshot('success', [task('a', 'success')]));
    expect(writes[0]).not.toContain('\x1b[');
    const linesFirstDrawn = (writes[0] ?? '').split('\n').length - 1;
    expect(writes[1]?.startsWith(`\x1b[${linesFirstDrawn}A\x1b[0J`)).toBe(true);
    expect(writes[1]).toMatch(/a\s+success/);
  });
});
