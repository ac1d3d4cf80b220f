import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../control/run-history.ts';
import { renderRunRecord, runRecordToJson } from './run-audit-view.ts';

const record: RunRecord = {
  triggeredBy: { actor: 'ada', channel: 'cli', identity: 'ada via weir cli', at: '2026-01-05T00:00:00.000Z' },
  actions: [
    { at: '2026-01-05T00:01:00.000Z', action: 'approve', actor: 'dana', channel: 'ui', taskId: 'sign_off', detail: 'go', execution: 1 },
    { at: '2026-01-05T00:02:00.000Z', action: 'cancel', actor: 'bob', channel: 'cli', execution: 2 },
  ],
  executions: 2,
  recordedPlan: null,
};

describe('runs show: the audit', () => {
  it('prints who triggered the run and the action log, saying it spans every execution', () => {
    expect(renderRunRecord(record)).toEqual([
      'triggered by ada (CLI)',
      'actions (across all 2 executions of the run):',
      'WHEN                  WHO              WHAT',
      '2026-01-05T00:01:00Z  dana (web view)  approved sign_off: "go"',
      '2026-01-05T00:02:00Z  bob (CLI)        asked to cancel the run',
    ]);
    expect(renderRunRecord({ ...record, actions: [], executions: 1 })).toEqual(['triggered by ada (CLI)', 'actions: none']);
  });

  it('adds triggeredBy, executions and actions to the JSON, and the cleared task of a rerun', () => {
    expect(runRecordToJson({ ...record, rerunOf: { runId: 'r0', taskId: 'train' } })).toEqual({ triggeredBy: record.triggeredBy, rerunOfTask: 'train', executions: 2, actions: record.actions });
  });
});
