import { setTimeout as sleep } from 'node:timers/promises';
import { isRunSnapshot, openRunView, TERMINAL_RUN_STATUSES } from '../../plan/run-progress.ts';
import { plainRunSnapshot } from '../../plan/packed-snapshot.ts';
import { RUN_STATE_QUERY, type RunSnapshot } from '../../plan/types.ts';
import type { TemporalSettings } from '../../worker/config.ts';
import { awaitPickup, type PickupOutcome } from '../../control/run-pickup.ts';
import { jsonPayloadValue, type Payload } from './json-payload.ts';
import { callWorkflowService } from './lean-call.ts';
import { DESCRIBE_REQUEST_TYPE, DESCRIBE_RESPONSE_TYPE, EVENT_TYPE_ENUM, EXECUTION_STATUS_ENUM, HISTORY_REQUEST_TYPE, HISTORY_RESPONSE_TYPE, QUERY_REQUEST_TYPE, QUERY_RESPONSE_TYPE } from './start-schema-extract.ts';

/** Longer than the server holds a history long poll (about 20 s); an empty page then asks again. */
const LONG_POLL_TIMEOUT_MS = 70_000;
const QUERY_TIMEOUT_MS = 10_000;

interface HistoryEvent {
  eventType?: number;
  workflowExecutionCompletedEventAttributes?: { result?: { payloads?: Payload[] } };
  workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string };
}

/** How a run closed, as far as the lean path reads it: its result when it completed, else nothing. */
export type LeanClose = { completed: true; result: unknown } | { completed: false };

/**
 * Waits, with history long polls that ask only for the close event, until the run closes, and
 * follows it into any execution it continued as new in. One call per close (or per 20 s of
 * waiting), and no worker is asked anything.
 */
export async function awaitRunCloseLean(settings: TemporalSettings, runId: string): Promise<LeanClose> {
  let executionRunId = '';
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const execution = { workflowId: runId, ...(executionRunId ? { runId: executionRunId } : {}) };
    const request = { namespace: settings.namespace, execution, ...(nextPageToken ? { nextPageToken } : {}), waitNewEvent: true, historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT', skipArchival: true };
    const { schema, reply } = await callWorkflowService(settings, 'GetWorkflowExecutionHistory', { type: HISTORY_REQUEST_TYPE, value: request }, HISTORY_RESPONSE_TYPE, LONG_POLL_TIMEOUT_MS);
    const close = ((reply.history as { events?: HistoryEvent[] } | undefined)?.events ?? []).at(-1);
    if (!close) {
      // The long poll ran out with the run still going: ask again from where it left off.
      nextPageToken = reply.nextPageToken as Uint8Array | undefined;
      if (!nextPageToken?.length) await sleep(100);
      continue;
    }
    const eventType = (name: string) => schema.codec.enumNumber(EVENT_TYPE_ENUM, `EVENT_TYPE_WORKFLOW_EXECUTION_${name}`);
    if (close.eventType === eventType('COMPLETED')) return { completed: true, result: jsonPayloadValue(close.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0]) };
    const next = close.eventType === eventType('CONTINUED_AS_NEW') ? close.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId : undefined;
    if (!next) return { completed: false };
    executionRunId = next;
    nextPageToken = undefined;
  }
}

/** `awaitPickup` (control/run-pickup.ts) from the run's description read on the lean path; a closed run is read through the client. */
export async function awaitRunPickupLean(settings: TemporalSettings, runId: string, withinMs = 5_000): Promise<PickupOutcome> {
  return awaitPickup(async () => {
    const request = { type: DESCRIBE_REQUEST_TYPE, value: { namespace: settings.namespace, execution: { workflowId: runId } } };
    const { schema, reply } = await callWorkflowService(settings, 'DescribeWorkflowExecution', request, DESCRIBE_RESPONSE_TYPE, QUERY_TIMEOUT_MS);
    const info = (reply.workflowExecutionInfo ?? {}) as { status?: number; historyLength?: number };
    return { running: info.status === schema.codec.enumNumber(EXECUTION_STATUS_ENUM, 'WORKFLOW_EXECUTION_STATUS_RUNNING'), historyLength: info.historyLength ?? 0 };
  }, withinMs);
}

/** A query's answer, sent to whichever worker runs the run. */
export async function queryRunLean(settings: TemporalSettings, runId: string, queryType: string): Promise<unknown> {
  const request = { namespace: settings.namespace, execution: { workflowId: runId }, query: { queryType } };
  const { reply } = await callWorkflowService(settings, 'QueryWorkflow', { type: QUERY_REQUEST_TYPE, value: request }, QUERY_RESPONSE_TYPE, QUERY_TIMEOUT_MS);
  return jsonPayloadValue((reply.queryResult as { payloads?: Payload[] } | undefined)?.payloads?.[0]);
}

/**
 * Follows a run started on the lean path until it ends: its final snapshot when it completed
 * with one, or null when it closed another way (failed, cancelled, timed out) or its result is not
 * plain JSON. The caller then reads the closed run through the Temporal client, which says why.
 * With `onProgress`, the run's state is queried every `pollMs` for it; without, nothing but the
 * close is asked for.
 */
export async function waitForRunLean(settings: TemporalSettings, runId: string, onProgress?: (snapshot: RunSnapshot) => void, pollMs = 500): Promise<RunSnapshot | null> {
  let outcome: LeanClose | undefined;
  const closed = awaitRunCloseLean(settings, runId).then(
    (close) => (outcome = close),
    () => (outcome = { completed: false }),
  );
  while (onProgress && outcome === undefined) {
    // Before the first workflow task a query fails, and a worker may be busy: the next poll tries again.
    const answer = await queryRunLean(settings, runId, RUN_STATE_QUERY).catch(() => undefined);
    if (outcome === undefined && isRunSnapshot(answer)) onProgress(openRunView(answer));
    await Promise.race([sleep(pollMs), closed]);
  }
  const close = await closed;
  if (!close.completed || !isRunSnapshot(close.result)) return null;
  const final = plainRunSnapshot(close.result);
  if (!TERMINAL_RUN_STATUSES.has(final.status)) return null;
  onProgress?.(final);
  return final;
}
