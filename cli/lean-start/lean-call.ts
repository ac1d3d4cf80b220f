import type { TemporalSettings } from '../../worker/config.ts';
import { callUnary } from './grpc-unary.ts';
import { loadStartSchema, type StartSchema } from './start-request.ts';

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService';

/**
 * One WorkflowService call on the lean path: the request encoded with the small schema, sent as
 * the Temporal client sends it (`client-name`, `client-version`), the reply decoded. Errors are
 * grpc-unary's: GrpcStatusError when the server said no, GrpcTransportError when none answered.
 */
export async function callWorkflowService(
  settings: TemporalSettings,
  method: string,
  request: { type: string; value: Record<string, unknown> },
  responseType: string,
  timeoutMs: number,
): Promise<{ schema: StartSchema; reply: Record<string, unknown> }> {
  const schema = await loadStartSchema();
  const bytes = await callUnary({
    address: settings.address,
    path: `${SERVICE}/${method}`,
    request: schema.codec.encode(request.type, request.value),
    metadata: { 'client-name': 'temporal-typescript', 'client-version': schema.clientVersion },
    timeoutMs,
  });
  return { schema, reply: schema.codec.decode(responseType, bytes) };
}
