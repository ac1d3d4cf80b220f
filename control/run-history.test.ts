import { defaultFailureConverter, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { packPlan } from '../plan/packed-plan.ts';
import type { Plan } from '../plan/types.ts';
import { HistoryDecoder } from './history-payloads.ts';
import { executionFacts, withReruns, type RunRecord } from './run-history.ts';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
/** Events written as plain objects (times in seconds), made into the SDK's protobuf messages. */
type PlainEvent = Record<string, unknown>;
const events = (plain: PlainEvent[]): HistoryEvent[] => plain.map((event) => temporal.api.history.v1.HistoryEvent.fromObject(event));

const decoder = new HistoryDecoder({ payloadConverter: defaultPayloadConverter, failureConverter: defaultFailureConverter, payloadCodecs: [] });
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const at = (second: number) => ({ seconds: 1_767_571_200 + second, nanos: 0 });
const options = { retries: 0, retryDelayMs: 0, backoffCoefficient: 1, timeoutMs: 1000 };
const plan: Plan = {
  planVersion: 1,
  dagId: 'd',
  file: 'd.ts',
  clearWindowMs: 0,
  tasks: [
    { id: 'a', kind: 'task', needs: [], triggerRule: 'all_success', options },
    { id: 'b', kind: 'approval', needs: ['a'], triggerRule: 'all_success', options },
  ],
};

function started(extra: PlainEvent, second = 0): PlainEvent {
  return { eventId: 1, eventTime: at(second), workflowExecutionStartedEventAttributes: extra };
}

/** The marker the SDK core writes for a local activity: its bookkeeping as plain JSON, the result as a payload. */
function localActivityMarker(activityType: string, result: unknown): PlainEvent {
  const data = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ seq: 1, activity_type: activityType })) };
  return { eventId: 5, markerRecordedEventAttributes: { markerName: 'core_local_activity', details: { data: { payloads: [data] }, result: { payloads: [payload(result)] } } } };
}

function update(second: number, updateId: string, identity: string, name: string, arg: unknown): PlainEvent {
  return { eventTime: at(second), workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { meta: { updateId, identity }, input: { name, args: { payloads: [payload(arg)] } } } } };
}

describe('the facts of one execution', () => {
  it('reads who started it, the plan prepareRun recorded, and every action with who sent it', async () => {
    const history = events([
      started({ identity: 'ada via weir ui', memo: { fields: { weirTriggeredBy: payload('ada') } }, input: { payloads: [payload({}), payload({ runType: 'manual' })] } }),
      localActivityMarker('weir.prepareRun', { packedPlan: packPlan(plan), params: {}, dataIntervalStart: '', dataIntervalEnd: '' }),
      update(10, 'u1', 'bob via weir cli', 'weir.clear', { taskId: 'a' }),
      { workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'u1' }, outcome: { success: { payloads: [payload(['a', 'b'])] } } } },
      update(20, 'u2', 'ops via weir ui', 'weir.approve', { taskId: 'b', approved: false, actor: 'dana', comment: 'drift too high' }),
      update(30, 'u3', '99@host', 'weir.clear', { taskId: 'b' }),
      { workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'u3' }, outcome: { failure: { message: 'boom' } } } },
      { eventTime: at(40), workflowExecutionCancelRequestedEventAttributes: { identity: 'ada via weir ui' } },
    ]);
    const facts = await executionFacts(decoder, 'e1', history);
    expect(facts.plan).toEqual(plan);
    expect(facts.closed).toBe(false);
    expect(facts.continues).toBeNull();
    expect(facts.start).toMatchObject({ identity: 'ada via weir ui', memo: { weirTriggeredBy: 'ada' }, scheduledBy: null, at: '2026-01-05T00:00:00.000Z' });
    expect(facts.actions).toEqual([
      { at: '2026-01-05T00:00:10.000Z', action: 'clear', actor: 'bob', channel: 'cli', taskId: 'a', detail: 'reset a, b' },
      // A decision names its actor itself; the channel comes from the request.
      { at: '2026-01-05T00:00:20.000Z', action: 'reject', actor: 'dana', channel: 'ui', taskId: 'b', detail: 'drift too high' },
      { at: '2026-01-05T00:00:30.000Z', action: 'clear', actor: '99@host', taskId: 'b', refused: 'boom' },
      { at: '2026-01-05T00:00:40.000Z', action: 'cancel', actor: 'ada', channel: 'ui' },
    ]);
  });

  it('takes the plan a continuation carries, and knows the execution it continues and that it closed', async () => {
    const carried = { carriedRunVersion: 1, packedPlan: packPlan(plan) };
    const history = events([
      started({ continuedExecutionRunId: 'e1', input: { payloads: [payload({}), payload({ runType: 'manual', continued: carried })] } }),
      { workflowExecutionContinuedAsNewEventAttributes: {} },
    ]);
    const facts = await executionFacts(decoder, 'e2', history);
    expect(facts).toMatchObject({ executionRunId: 'e2', continues: 'e1', closed: true, plan });
  });

  it('says why the plan cannot be read when its payload is encrypted and no key is set', async () => {
    const encrypted = { metadata: { encoding: Buffer.from('binary/encrypted') }, data: Buffer.from('xx') };
    const facts = await executionFacts(decoder, 'e1', events([started({ input: { payloads: [payload({}), encrypted] } })]));
    expect(facts.plan).toBeNull();
    expect(facts.planProblem).toBe("cannot read the run options from the run's history: its payloads are encrypted and WEIR_PAYLOAD_KEY is not set here");
  });

  it('names the schedule that started a scheduled run', async () => {
    const facts = await executionFacts(decoder, 'e1', events([started({ identity: 'temporal-scheduler', searchAttributes: { indexedFields: { TemporalScheduledById: payload('weir-churn') } } })]));
    expect(facts.start.scheduledBy).toBe('weir-churn');
  });
});

describe('withReruns', () => {
  it('sorts the clears made after the run closed in among its own actions', () => {
    const record: RunRecord = {
      triggeredBy: { actor: 'ada', identity: null, at: null },
      actions: [{ at: '2026-01-05T00:00:10.000Z', action: 'cancel', actor: 'ada', execution: 1 }],
      executions: 1,
      recordedPlan: null,
    };
    const merged = withReruns(record, [{ runId: 'r--rerun-1', startedAt: '2026-01-05T00:00:05.000Z', triggeredBy: 'bob', taskId: 'a' }]);
    expect(merged.actions.map((action) => action.action)).toEqual(['rerun', 'cancel']);
    expect(merged.actions[0]).toMatchObject({ actor: 'bob', taskId: 'a', rerunId: 'r--rerun-1', execution: 0 });
  });
});
