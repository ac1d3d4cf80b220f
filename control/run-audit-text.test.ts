import { describe, expect, it } from 'vitest';
import { actionText, actorText, triggerText } from './run-audit-text.ts';
import type { RunAction } from './run-history.ts';

const action = (extra: Partial<RunAction>): RunAction => ({ at: null, action: 'clear', actor: 'ada', execution: 1, ...extra });

describe('the audit in words', () => {
  it('says who triggered a run: a person and where from, a schedule, or a rerun', () => {
    expect(triggerText({ actor: 'ada', channel: 'ui', identity: 'ada via weir ui', at: null })).toBe('triggered by ada (web view)');
    expect(triggerText({ actor: 'schedule weir-churn', schedule: 'weir-churn', identity: null, at: null })).toBe('triggered by schedule weir-churn');
    expect(triggerText({ actor: '77@host', identity: '77@host', at: null })).toBe('triggered by Temporal client 77@host');
    // A name in the memo, sent by a client with the SDK's default identity.
    expect(triggerText({ actor: 'ada', identity: '77@host', at: null })).toBe('triggered by ada');
    expect(triggerText({ actor: null, identity: null, at: null })).toBe('triggered by an unknown client');
    expect(triggerText({ actor: 'bob', channel: 'cli', identity: null, at: null }, { runId: 'r1', taskId: 'train' })).toBe('started by bob (CLI) as a rerun of r1 (cleared train)');
  });

  it('describes each kind of action, and a refusal', () => {
    expect(actorText('ada', 'cli')).toBe('ada (CLI)');
    expect(actorText(null)).toBe('unknown');
    expect(actionText(action({ taskId: 'fragile', detail: 'reset fragile, load' }))).toBe('cleared task fragile (reset fragile, load)');
    expect(actionText(action({ action: 'approve', taskId: 'sign_off', detail: 'ok' }))).toBe('approved sign_off: "ok"');
    expect(actionText(action({ action: 'reject', taskId: 'sign_off' }))).toBe('rejected sign_off');
    expect(actionText(action({ action: 'cancel' }))).toBe('asked to cancel the run');
    expect(actionText(action({ action: 'terminate', detail: 'stuck' }))).toBe('terminated the run (stuck)');
    expect(actionText(action({ action: 'rerun', taskId: 'train', rerunId: 'r1--rerun-x' }))).toBe('cleared task train after the run closed: started rerun r1--rerun-x');
    expect(actionText(action({ action: 'update', detail: 'weir.other', refused: 'no such update' }))).toBe('sent update weir.other; the run refused: no such update');
  });
});
