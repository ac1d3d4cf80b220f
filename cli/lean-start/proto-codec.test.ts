import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { ProtoCodec, ProtoSchemaError } from './proto-codec.ts';
import { generateStartSchema } from './start-request.ts';

const { temporal } = proto;
const codec = new ProtoCodec(generateStartSchema().schema);
const TASK_QUEUE = 'temporal.api.taskqueue.v1.TaskQueue';
const PAYLOAD = 'temporal.api.common.v1.Payload';

describe('the lean start path protobuf codec', () => {
  it('writes enums by name or number, as @temporalio/proto does', () => {
    const full = temporal.api.taskqueue.v1.TaskQueue.encode({ name: 'q', kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL }).finish();
    expect(Buffer.from(codec.encode(TASK_QUEUE, { name: 'q', kind: 'TASK_QUEUE_KIND_NORMAL' }))).toEqual(Buffer.from(full));
    expect(Buffer.from(codec.encode(TASK_QUEUE, { name: 'q', kind: 1 }))).toEqual(Buffer.from(full));
  });

  it('writes maps of bytes and long values with multi-byte lengths', () => {
    const data = new Uint8Array(70_000).fill(7);
    const value = { metadata: { encoding: new TextEncoder().encode('json/plain'), other: new Uint8Array([1]) }, data };
    expect(Buffer.from(codec.encode(PAYLOAD, value)).equals(Buffer.from(temporal.api.common.v1.Payload.encode(value).finish()))).toBe(true);
  });

  it('reads back what it wrote, and skips fields it does not know', () => {
    expect(codec.decode(TASK_QUEUE, codec.encode(TASK_QUEUE, { name: 'queue ✓', kind: 2 }))).toEqual({ name: 'queue ✓', kind: 2 });
    // A TaskQueue read as WorkflowType: field 1 (name) is known to both, field 2 (kind) is not.
    expect(codec.decode('temporal.api.common.v1.WorkflowType', codec.encode(TASK_QUEUE, { name: 'q', kind: 1 }))).toEqual({ name: 'q' });
  });

  it('refuses fields, types and enum values the schema does not have', () => {
    expect(() => codec.encode(TASK_QUEUE, { nme: 'q' })).toThrow(ProtoSchemaError);
    expect(() => codec.encode(TASK_QUEUE, { kind: 'TASK_QUEUE_KIND_NONE' })).toThrow(/has no value "TASK_QUEUE_KIND_NONE"/);
    expect(() => codec.encode('temporal.api.history.v1.WorkflowExecutionStartedEventAttributes', {})).toThrow(/not in the lean start schema/);
  });

  it('refuses truncated input', () => {
    expect(() => codec.decode(TASK_QUEUE, new Uint8Array([0x0a, 5, 0x61]))).toThrow(/truncated field/);
  });
});
