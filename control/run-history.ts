import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { CarriedRun } from '../plan/carried-run.ts';
import { openCarriedRun } from '../plan/compressed-carried-run.ts';
import { unpackPlan } from '../plan/packed-plan.ts';
import { APPROVE_UPDATE, CLEAR_UPDATE, PREPARE_RUN_ACTIVITY, type ApprovalDecision, type ClearRequest, type Plan, type PrepareRunResult } from '../plan/types.ts';
import type { RunOptions } from '../workflows/run-identity.ts';
import { eventTimeIso, HistoryDecoder } from './history-payloads.ts';
import { actorOfIdentity, TRIGGERED_BY_MEMO, type ActorChannel } from './run-actor.ts';
import { RERUN_OF_MEMO, RERUN_TASK_MEMO } from './run-start.ts';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What a person (or schedule) did to a run, as its history records it. */
export interface RunAction {
  /** ISO time of the event. */
  at: string | null;
  action: 'clear' | 'rerun' | 'approve' | 'reject' | 'cancel' | 'terminate' | 'signal' | 'update';
  /** The person: an approval's own `actor`, else the Weir identity's name, else the raw Temporal identity. */
  actor: string | null;
  /** Where they acted from, when the request came through Weir. */
  channel?: ActorChannel;
  taskId?: string;
  /** The comment of a decision, the tasks a clear reset, a termination's reason. */
  detail?: string;
  /** The run refused it (an Update that failed), with its message. */
  refused?: string;
  /** Which execution of the run recorded it, 1 for the first (a run that continued as new has several); 0 for a rerun started after it closed. */
  execution: number;
  /** For `rerun`: the new run a clear of the closed run started. */
  rerunId?: string;
}

/** Who started a run: a person (memo `weirTriggeredBy`, start identity), a schedule, or only a Temporal identity. */
export interface RunTrigger {
  actor: string | null;
  channel?: ActorChannel;
  /** The Temporal Schedule that started it. */
  schedule?: string;
  /** The Temporal identity of the start request, as recorded. */
  identity: string | null;
  at: string | null;
}

/** A run's audit, read from all of its histories. */
export interface RunRecord {
  triggeredBy: RunTrigger;
  /** Set when the run is a clear of a closed run: the run it reruns and the task cleared. */
  rerunOf?: { runId: string; taskId?: string };
  /** Oldest first, across every execution of the run. */
  actions: RunAction[];
  /** Executions read (a run that continued as new has more than one); the actions span them all. */
  executions: number;
  /** The plan the run loaded when it started, as recorded in its history; null when it cannot be read. */
  recordedPlan: Plan | null;
  /** Why `recordedPlan` is null. */
  planProblem?: string;
}

/** What one execution's history holds for the audit. Closed executions never change, so they may be cached. */
export interface ExecutionFacts {
  executionRunId: string;
  /** The execution it continues, when it is a continuation. */
  continues: string | null;
  closed: boolean;
  start: { identity: string | null; at: string | null; memo: Record<string, unknown>; scheduledBy: string | null };
  actions: Omit<RunAction, 'execution'>[];
  plan: Plan | null;
  planProblem?: string;
}

/** A cache of closed executions' facts by execution run id (the web view keeps one across requests). */
export interface ExecutionFactsCache {
  get(executionRunId: string): ExecutionFacts | undefined;
  set(executionRunId: string, facts: ExecutionFacts): void;
}

const CLOSE_EVENTS = [
  'workflowExecutionCompletedEventAttributes',
  'workflowExecutionFailedEventAttributes',
  'workflowExecutionTimedOutEventAttributes',
  'workflowExecutionCanceledEventAttributes',
  'workflowExecutionTerminatedEventAttributes',
  'workflowExecutionContinuedAsNewEventAttributes',
] as const;

/**
 * Reads the audit of a run from Temporal: who triggered it (its memo and start identity, or the
 * schedule), every clear, decision, cancel and termination with who sent it (the request's
 * identity; a decision's own actor), across every execution when the run continued as new, and
 * the plan it recorded when it started.
 */
export async function readRunRecord(client: Client, runId: string, cache?: ExecutionFactsCache): Promise<RunRecord> {
  const decoder = new HistoryDecoder(client.options.loadedDataConverter);
  const chain: ExecutionFacts[] = [];
  let execution: string | null = (await client.workflow.getHandle(runId).describe()).runId;
  while (execution) {
    let facts: ExecutionFacts | undefined = cache?.get(execution);
    if (!facts) {
      const history = await client.workflow.getHandle(runId, execution).fetchHistory();
      facts = await executionFacts(decoder, execution, history.events ?? []);
      if (facts.closed) cache?.set(execution, facts);
    }
    chain.unshift(facts);
    execution = facts.continues;
  }
  const first = chain[0];
  if (!first) throw new Error(`run ${runId} has no execution`);
  const actions = chain.flatMap((facts, index) => facts.actions.map((action) => ({ ...action, execution: index + 1 })));
  const memo = first.start.memo;
  const rerunOf = typeof memo[RERUN_OF_MEMO] === 'string' ? { runId: memo[RERUN_OF_MEMO], ...(typeof memo[RERUN_TASK_MEMO] === 'string' ? { taskId: memo[RERUN_TASK_MEMO] } : {}) } : undefined;
  // A continuation carries the pinned plan too: it stands in when the first history's cannot be read.
  const planned = chain.find((facts) => facts.plan);
  return {
    triggeredBy: triggerOf(first.start),
    ...(rerunOf ? { rerunOf } : {}),
    actions,
    executions: chain.length,
    recordedPlan: planned?.plan ?? null,
    ...(planned ? {} : { planProblem: first.planProblem ?? 'the run has not recorded its plan yet' }),
  };
}

/**
 * Adds the clears made after the run closed: each started a new run (its rerun), which names who
 * cleared and which task in its memo. They sort in among the run's own actions by time.
 */
export function withReruns(record: RunRecord, reruns: readonly { runId: string; startedAt: string; triggeredBy: string | null; taskId: string | null }[]): RunRecord {
  const rerunActions: RunAction[] = reruns.map((rerun) => ({
    at: rerun.startedAt,
    action: 'rerun',
    actor: rerun.triggeredBy,
    ...(rerun.taskId ? { taskId: rerun.taskId } : {}),
    rerunId: rerun.runId,
    execution: 0,
  }));
  const actions = [...record.actions, ...rerunActions].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  return { ...record, actions };
}

function triggerOf(start: ExecutionFacts['start']): RunTrigger {
  const named = typeof start.memo[TRIGGERED_BY_MEMO] === 'string' ? (start.memo[TRIGGERED_BY_MEMO] as string) : null;
  const fromIdentity = actorOfIdentity(start.identity);
  const base = { identity: start.identity, at: start.at };
  if (named) return { ...base, actor: named, ...(fromIdentity?.channel ? { channel: fromIdentity.channel } : {}) };
  if (start.scheduledBy) return { ...base, actor: `schedule ${start.scheduledBy}`, schedule: start.scheduledBy };
  return { ...base, actor: fromIdentity?.actor ?? null, ...(fromIdentity?.channel ? { channel: fromIdentity.channel } : {}) };
}

/** The facts of one execution's history: its start, the actions in it, and the plan it recorded. */
export async function executionFacts(decoder: HistoryDecoder, executionRunId: string, events: readonly HistoryEvent[]): Promise<ExecutionFacts> {
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const memo: Record<string, unknown> = {};
  for (const [key, payload] of Object.entries(started?.memo?.fields ?? {})) {
    memo[key] = await decoder.value(`memo ${key}`, payload).catch(() => undefined);
  }
  const scheduledBy = decoder.searchAttribute(started?.searchAttributes?.indexedFields?.TemporalScheduledById);
  const facts: ExecutionFacts = {
    executionRunId,
    continues: started?.continuedExecutionRunId || null,
    closed: events.some((event) => CLOSE_EVENTS.some((key) => event[key])),
    start: { identity: started?.identity || null, at: eventTimeIso(events[0]?.eventTime), memo, scheduledBy: typeof scheduledBy === 'string' ? scheduledBy : null },
    actions: [],
    plan: null,
  };
  try {
    facts.plan = await recordedPlanOf(decoder, events);
  } catch (error) {
    facts.planProblem = error instanceof Error ? error.message : String(error);
  }
  const updates = new Map<string, Omit<RunAction, 'execution'>>();
  for (const event of events) {
    const at = eventTimeIso(event.eventTime);
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      const action = await updateAction(decoder, accepted.acceptedRequest, at);
      facts.actions.push(action);
      const updateId = accepted.acceptedRequest?.meta?.updateId;
      if (updateId) updates.set(updateId, action);
    }
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (completed) {
      const action = updates.get(completed.meta?.updateId ?? '');
      if (action && completed.outcome?.failure) action.refused = completed.outcome.failure.message ?? 'failed';
      if (action?.action === 'clear' && completed.outcome?.success) {
        const cleared = await decoder.at<string[]>('the cleared tasks', completed.outcome.success, 0).catch(() => undefined);
        if (Array.isArray(cleared)) action.detail = `reset ${cleared.join(', ')}`;
      }
    }
    const cancel = event.workflowExecutionCancelRequestedEventAttributes;
    if (cancel) facts.actions.push({ at, action: 'cancel', ...who(cancel.identity), ...(cancel.cause ? { detail: cancel.cause } : {}) });
    const terminated = event.workflowExecutionTerminatedEventAttributes;
    if (terminated) facts.actions.push({ at, action: 'terminate', ...who(terminated.identity), ...(terminated.reason ? { detail: terminated.reason } : {}) });
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled) facts.actions.push({ at, action: 'signal', ...who(signaled.identity), detail: signaled.signalName ?? '' });
  }
  return facts;
}

function who(identity: string | null | undefined): Pick<RunAction, 'actor' | 'channel'> {
  const found = actorOfIdentity(identity);
  return { actor: found?.actor ?? null, ...(found?.channel ? { channel: found.channel } : {}) };
}

async function updateAction(decoder: HistoryDecoder, request: temporal.api.update.v1.IRequest | null | undefined, at: string | null): Promise<Omit<RunAction, 'execution'>> {
  const name = request?.input?.name ?? '';
  const sender = who(request?.meta?.identity);
  if (name === CLEAR_UPDATE) {
    const clear = await decoder.at<ClearRequest>('a clear request', request?.input?.args, 0).catch(() => undefined);
    return { at, action: 'clear', ...sender, ...(clear?.taskId ? { taskId: clear.taskId } : {}) };
  }
  if (name === APPROVE_UPDATE) {
    const decision = await decoder.at<ApprovalDecision>('an approval decision', request?.input?.args, 0).catch(() => undefined);
    if (!decision) return { at, action: 'approve', ...sender, detail: 'decision unreadable here' };
    // The decision names its actor itself (it is what the approval task's output records).
    return {
      at,
      action: decision.approved ? 'approve' : 'reject',
      actor: decision.actor ?? sender.actor,
      ...(sender.channel ? { channel: sender.channel } : {}),
      taskId: decision.taskId,
      ...(decision.comment ? { detail: decision.comment } : {}),
    };
  }
  return { at, action: 'update', ...sender, detail: name };
}

/** The plan a run loaded: prepareRun's result (a local activity's marker, or an activity's result in older runs), or the plan a continuation carries. */
async function recordedPlanOf(decoder: HistoryDecoder, events: readonly HistoryEvent[]): Promise<Plan | null> {
  const options = await decoder.at<RunOptions | undefined>('the run options', events[0]?.workflowExecutionStartedEventAttributes?.input, 1);
  const carried: CarriedRun | undefined = options?.continued ? openCarriedRun(options.continued) : undefined;
  if (carried?.packedPlan) return unpackPlan(carried.packedPlan);
  const prepareScheduled = new Set<string>();
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      // The SDK core writes its bookkeeping as plain JSON; the result went through the codec.
      const data = marker.details?.data?.payloads?.[0]?.data;
      const bookkeeping = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }) : {};
      if (bookkeeping.activity_type === PREPARE_RUN_ACTIVITY) return planOfPrepared(await decoder.at<PrepareRunResult>('the recorded plan', marker.details?.result, 0));
    }
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === PREPARE_RUN_ACTIVITY) prepareScheduled.add(String(event.eventId));
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed && prepareScheduled.has(String(completed.scheduledEventId))) return planOfPrepared(await decoder.at<PrepareRunResult>('the recorded plan', completed.result, 0));
  }
  return null;
}

function planOfPrepared(prepared: PrepareRunResult | undefined): Plan | null {
  if (!prepared) return null;
  if (prepared.packedPlan) return unpackPlan(prepared.packedPlan);
  return prepared.plan ?? null;
}

