import type { RunStart } from '../../control/run-start.ts';
import { keyringFromEnv } from '../../codec/keys.ts';
import type { TemporalSettings } from '../../worker/config.ts';
import { TemporalUnreachableError } from '../../worker/temporal-unreachable.ts';
import { GRPC_STATUS, GrpcStatusError, GrpcTransportError } from './grpc-unary.ts';
import { callWorkflowService } from './lean-call.ts';
import { loadStartSchema, namespaceNotFoundIn, startRequestObject } from './start-request.ts';
import { START_REQUEST_TYPE, START_RESPONSE_TYPE } from './start-schema-extract.ts';
const START_TIMEOUT_MS = 10_000;

/**
 * Why this configuration needs the full Temporal client to start a run, or null when the lean
 * path speaks it: plain-text gRPC to one address and namespace, payloads as plain JSON.
 */
export function leanStartFallbackReason(settings: TemporalSettings, env: Record<string, string | undefined>): string | null {
  if (settings.tls) return 'TLS is configured';
  if (settings.apiKey) return 'an API key is configured';
  // Throws the same PayloadKeyError the full client would for a malformed key.
  if (keyringFromEnv(env)) return 'payload encryption (WEIR_PAYLOAD_KEY) is configured';
  return null;
}

/** The server already has a run with this id (the client path says the same). */
export class RunAlreadyStartedError extends Error {
  constructor(readonly runId: string) {
    super('Workflow execution already started');
    this.name = 'RunAlreadyStartedError';
  }
}

/** The configured namespace does not exist on the server. */
export class NamespaceNotFoundError extends Error {
  constructor(readonly namespace: string) {
    super(`Namespace not found: '${namespace}'`);
    this.name = 'NamespaceNotFoundError';
  }
}

/** The server refused the start for another reason; its own message says why. */
export class RunStartRefusedError extends Error {
  constructor(
    readonly runId: string,
    readonly grpcCode: number,
    details: string,
  ) {
    super(`Temporal refused to start run ${runId} (gRPC status ${grpcCode}): ${details}`);
    this.name = 'RunStartRefusedError';
  }
}

/**
 * Starts a run with one StartWorkflowExecution call over Node's HTTP/2, sending what
 * `triggerRun` sends through the Temporal client; resolves with the Temporal run id. Use only
 * when `leanStartFallbackReason` is null. Errors are those of the client path, one line each.
 * `identity` is the request's Temporal identity (who started the run); Temporal's default otherwise.
 */
export async function startRunLean(settings: TemporalSettings, start: RunStart, identity?: string): Promise<string> {
  const schema = await loadStartSchema();
  try {
    const request = { type: START_REQUEST_TYPE, value: startRequestObject(start, settings.namespace, identity) };
    const { reply } = await callWorkflowService(settings, 'StartWorkflowExecution', request, START_RESPONSE_TYPE, START_TIMEOUT_MS);
    return (reply as { runId?: string }).runId ?? '';
  } catch (error) {
    throw startError(error, settings, start);
  }

  function startError(error: unknown, settings: TemporalSettings, start: RunStart): Error {
    if (error instanceof GrpcTransportError) return new TemporalUnreachableError(settings.address, error);
    if (!(error instanceof GrpcStatusError)) return error as Error;
    if (error.code === GRPC_STATUS.ALREADY_EXISTS) return new RunAlreadyStartedError(start.workflowId);
    if (error.code === GRPC_STATUS.UNAVAILABLE) return new TemporalUnreachableError(settings.address, new Error(error.details));
    if (error.code === GRPC_STATUS.NOT_FOUND) {
      const namespace = namespaceNotFoundIn(schema, error.statusDetails);
      if (namespace !== null) return new NamespaceNotFoundError(namespace);
    }
    return new RunStartRefusedError(start.workflowId, error.code, error.details);
  }
}
