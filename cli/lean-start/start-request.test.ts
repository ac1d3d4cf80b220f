import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { describeRunStart, type RunStart } from '../../control/run-start.ts';
import { jsonPayload } from './json-payload.ts';
import { generateStartSchema, namespaceNotFoundIn, schemaFromJson, startRequestObject } from './start-request.ts';
import { START_REQUEST_FIELDS, START_REQUEST_TYPE, START_RESPONSE_TYPE, type SchemaJson } from './start-schema-extract.ts';

const { temporal, google } = proto;
const FullRequest = temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
const generated = generateStartSchema();
const schema = schemaFromJson(generated);

/** The request @temporalio/client builds for the same run start (its own encoding of every field). */
async function clientRequest(start: RunStart, identity: string): Promise<Uint8Array> {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: 'weir-ns', identity });
  const workflow = client.workflow as unknown as { createStartWorkflowRequest(input: unknown): Promise<Record<string, unknown>> };
  const request = await workflow.createStartWorkflowRequest({
    workflowType: start.workflowType,
    headers: {},
    options: {
      workflowId: start.workflowId,
      taskQueue: start.taskQueue,
      args: start.args,
      ...(start.rejectDuplicate ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' } : {}),
      memo: start.memo,
      searchAttributes: start.searchAttributes,
      staticSummary: start.staticSummary,
      staticDetails: start.staticDetails,
    },
  });
  return FullRequest.encode({ ...request, requestId: 'request-1' }).finish();
}

function leanRequest(start: RunStart, identity: string): Uint8Array {
  return schema.codec.encode(START_REQUEST_TYPE, startRequestObject(start, 'weir-ns', identity, 'request-1'));
}

describe('the lean start request', () => {
  const cases: [string, RunStart][] = [
    ['a manual run with params', describeRunStart({ dagId: 'churn', params: { minRows: 500, name: 'wéir ✓', nested: { a: [1, null] } }, taskQueue: 'weir', webUrl: 'https://weir.example/' })],
    ['a run with no params and a given logical date', describeRunStart({ dagId: 'd', params: {}, taskQueue: 'q', logicalDate: new Date('2026-01-02T03:04:05.678Z') })],
    ['a backfill run that refuses a reused id', describeRunStart({ dagId: 'd', params: { x: 1 }, taskQueue: 'q', runType: 'backfill', runId: 'd-backfill-1', rejectDuplicate: true })],
  ];
  it.each(cases)('is byte for byte what @temporalio/client sends for %s', async (_name, start) => {
    const lean = leanRequest(start, '42@host');
    expect(Buffer.from(lean).toString('hex')).toBe(Buffer.from(await clientRequest(start, '42@host')).toString('hex'));
    // And it decodes with the full API as the fields Weir set.
    const decoded = FullRequest.decode(lean);
    expect(decoded.workflowId).toBe(start.workflowId);
    expect(decoded.workflowType?.name).toBe(start.workflowType);
    expect(Object.keys(decoded.searchAttributes?.indexedFields ?? {})).toEqual(['WeirDagId', 'WeirRunType']);
  });

  it('differs when a field differs, so the comparison above can fail', async () => {
    const start = cases[0]![1];
    const other = { ...start, memo: { weirLogicalDate: 'another date' } };
    expect(Buffer.from(leanRequest(other, '42@host')).equals(Buffer.from(await clientRequest(start, '42@host')))).toBe(false);
  });

  it('writes JSON values as json/plain payloads', () => {
    const payload = jsonPayload({ a: 1 });
    expect(new TextDecoder().decode(payload.metadata.encoding)).toBe('json/plain');
    expect(new TextDecoder().decode(payload.data)).toBe('{"a":1}');
  });

  it('keeps only the request fields Weir sets, and only scalar response fields', () => {
    const service = (generated.schema.nested.temporal as SchemaJson).nested.api as SchemaJson;
    const types = ((service.nested.workflowservice as SchemaJson).nested.v1 as SchemaJson).nested as Record<string, { fields: Record<string, unknown> }>;
    expect(Object.keys(types.StartWorkflowExecutionRequest!.fields)).toEqual([...START_REQUEST_FIELDS]);
    expect(Object.keys(types.StartWorkflowExecutionResponse!.fields).sort()).toEqual(['firstExecutionRunId', 'runId', 'started']);
  });

  it('reads the run id from the server response', () => {
    const bytes = temporal.api.workflowservice.v1.StartWorkflowExecutionResponse.encode({ runId: 'run-123', started: true, eagerWorkflowTask: { taskToken: new Uint8Array([1, 2]) } }).finish();
    expect(schema.codec.decode(START_RESPONSE_TYPE, bytes)).toEqual({ runId: 'run-123', started: true });
  });

  it('finds the missing namespace in the status details of a NOT_FOUND answer', () => {
    const failure = temporal.api.errordetails.v1.NamespaceNotFoundFailure.encode({ namespace: 'nope' }).finish();
    const status = encodeRpcStatus(5, 'Namespace nope is not found.', [{ type_url: 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure', value: failure }]);
    expect(namespaceNotFoundIn(schema, status)).toBe('nope');
    const other = encodeRpcStatus(5, 'workflow not found', [{ type_url: 'type.googleapis.com/temporal.api.errordetails.v1.NotFoundFailure', value: new Uint8Array() }]);
    expect(namespaceNotFoundIn(schema, other)).toBeNull();
    expect(namespaceNotFoundIn(schema, null)).toBeNull();
  });
});

/** google.rpc.Status, written by hand from its three fields (code 1, message 2, details 3 as Any). */
function encodeRpcStatus(code: number, message: string, details: { type_url: string; value: Uint8Array }[]): Buffer {
  const anyBytes = details.map((detail) => Buffer.from(google.protobuf.Any.encode(google.protobuf.Any.create(detail)).finish()));
  const text = Buffer.from(message);
  const parts = [Buffer.from([0x08, code]), Buffer.from([0x12, text.length]), text];
  for (const bytes of anyBytes) parts.push(Buffer.from([0x1a, bytes.length]), bytes);
  return Buffer.concat(parts);
}
