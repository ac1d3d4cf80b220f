import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { jsonPayload, jsonPayloadValue, UnreadablePayloadError } from './json-payload.ts';
import { generateStartSchema, schemaFromJson } from './start-request.ts';
import { EVENT_TYPE_ENUM, HISTORY_REQUEST_TYPE, HISTORY_RESPONSE_TYPE, QUERY_REQUEST_TYPE, QUERY_RESPONSE_TYPE, TRIMMED_FIELDS, type SchemaJson } from './start-schema-extract.ts';

const { temporal } = proto;
const { workflowservice, enums } = temporal.api;
const { codec } = schemaFromJson(generateStartSchema());
const snapshot = { runId: 'r-1', dagId: 'd', status: 'success', tasks: [{ id: 'a', state: 'success' }] };

describe('the lean wait messages', () => {
  it('asks for the close event exactly as @temporalio/proto encodes the same request', () => {
    const request = { namespace: 'ns', execution: { workflowId: 'r-1', runId: 'x' }, nextPageToken: new Uint8Array([9, 8]), waitNewEvent: true, historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT', skipArchival: true };
    const full = workflowservice.v1.GetWorkflowExecutionHistoryRequest.encode({ ...request, historyEventFilterType: enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT }).finish();
    expect(Buffer.from(codec.encode(HISTORY_REQUEST_TYPE, request)).toString('hex')).toBe(Buffer.from(full).toString('hex'));
  });

  it('reads a completed close event and its result out of a full history page', () => {
    const event = {
      eventId: 42,
      eventTime: { seconds: 1_700_000_000, nanos: 5 },
      eventType: enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
      taskId: 7,
      workflowExecutionCompletedEventAttributes: { result: { payloads: [jsonPayload(snapshot)] }, workflowTaskCompletedEventId: 41, newExecutionRunId: '' },
    };
    const bytes = workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode({ history: { events: [event as never] }, nextPageToken: new Uint8Array([1]) }).finish();
    const reply = codec.decode(HISTORY_RESPONSE_TYPE, bytes) as { history: { events: Record<string, unknown>[] }; nextPageToken: Uint8Array };
    const [read] = reply.history.events;
    expect(read?.eventType).toBe(codec.enumNumber(EVENT_TYPE_ENUM, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED'));
    expect(read?.eventId).toBe(42);
    // Fields the lean schema leaves out are skipped, not misread.
    expect(Object.keys(read ?? {}).sort()).toEqual(['eventId', 'eventType', 'workflowExecutionCompletedEventAttributes']);
    const result = (read?.workflowExecutionCompletedEventAttributes as { result: { payloads: Parameters<typeof jsonPayloadValue>[0][] } }).result;
    expect(jsonPayloadValue(result.payloads[0])).toEqual(snapshot);
    expect([...reply.nextPageToken]).toEqual([1]);
  });

  it('follows a continue-as-new event to the next execution', () => {
    const event = { eventId: 9, eventType: enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, workflowExecutionContinuedAsNewEventAttributes: { newExecutionRunId: 'next-run', workflowType: { name: 'd' } } };
    const bytes = workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode({ history: { events: [event as never] } }).finish();
    const [read] = (codec.decode(HISTORY_RESPONSE_TYPE, bytes) as { history: { events: Record<string, unknown>[] } }).history.events;
    expect(read?.workflowExecutionContinuedAsNewEventAttributes).toEqual({ newExecutionRunId: 'next-run' });
  });

  it('sends a query and reads its answer as @temporalio/proto does', () => {
    const request = { namespace: 'ns', execution: { workflowId: 'r-1' }, query: { queryType: 'weir.runState' } };
    expect(Buffer.from(codec.encode(QUERY_REQUEST_TYPE, request)).equals(Buffer.from(workflowservice.v1.QueryWorkflowRequest.encode(request).finish()))).toBe(true);
    const answer = workflowservice.v1.QueryWorkflowResponse.encode({ queryResult: { payloads: [jsonPayload(snapshot)] } }).finish();
    const read = codec.decode(QUERY_RESPONSE_TYPE, answer) as { queryResult: { payloads: Parameters<typeof jsonPayloadValue>[0][] } };
    expect(jsonPayloadValue(read.queryResult.payloads[0])).toEqual(snapshot);
  });

  it('keeps only the trimmed fields of a history event, so the schema stays small', () => {
    const history = ((generateStartSchema().schema.nested.temporal as SchemaJson).nested.api as SchemaJson).nested.history as SchemaJson;
    const event = ((history.nested.v1 as SchemaJson).nested.HistoryEvent as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(event).sort()).toEqual([...(TRIMMED_FIELDS['temporal.api.history.v1.HistoryEvent'] ?? [])].sort());
    expect(JSON.stringify(generateStartSchema().schema).length).toBeLessThan(20_000);
  });
});

describe('payload values on the lean path', () => {
  const encoded = (encoding: string, data = '') => ({ metadata: { encoding: new TextEncoder().encode(encoding) }, data: new TextEncoder().encode(data) });

  it('reads plain JSON and the null payload', () => {
    expect(jsonPayloadValue(encoded('json/plain', '{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
    expect(jsonPayloadValue(encoded('binary/null'))).toBeUndefined();
    expect(jsonPayloadValue(undefined)).toBeUndefined();
  });

  it('refuses what only the Temporal client can read, such as an encrypted payload', () => {
    expect(() => jsonPayloadValue(encoded('binary/encrypted', 'xx'))).toThrow(UnreadablePayloadError);
    expect(() => jsonPayloadValue({ data: new Uint8Array() })).toThrow(/encoded as nothing/);
  });
});
