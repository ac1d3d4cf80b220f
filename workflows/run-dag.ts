import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { carryRun, MAX_CARRIED_RUN_BYTES, uncarryRun, utf8Bytes, type CarriedRun } from '../plan/carried-run.ts';
import { compressCarriedRun, openCarriedRun } from '../plan/compressed-carried-run.ts';
import { HistoryBudget } from '../plan/history-budget.ts';
import { unpackPlan } from '../plan/packed-plan.ts';
import type { PackedRunSnapshot } from '../plan/packed-snapshot.ts';
import { CURRENT_SEMANTICS, finalRunStatus, LEGACY_SEMANTICS, nextActions, withDescendants, type SchedulingSemantics } from '../plan/scheduler.ts';
import {
  APPROVE_UPDATE,
  CLEAR_UPDATE,
  PREPARE_RUN_ACTIVITY,
  RECORD_RUN_ACTIVITY,
  RUN_STATE_QUERY,
  DEFAULT_MAX_HISTORY_EVENTS,
  SEARCH_ATTRIBUTES,
  TASK_OUTPUTS_QUERY,
  type Plan,
  type ApprovalDecision,
  type ClearRequest,
  type PrepareRunInput,
  type PrepareRunResult,
  type RunSnapshot,
} from '../plan/types.ts';
import { CallbackDispatcher } from './callbacks.ts';
import { identifyRun, type RunOptions } from './run-identity.ts';
import { RunState } from './run-state.ts';
import { adoptRecordedTasks } from './rerun.ts';
import { settleReason } from './settle-reasons.ts';
import { TaskLauncher } from './task-launcher.ts';

export const runStateQuery = defineQuery<RunSnapshot | PackedRunSnapshot>(RUN_STATE_QUERY);
export const taskOutputsQuery = defineQuery<Record<string, unknown>>(TASK_OUTPUTS_QUERY);
export const approveUpdate = defineUpdate<ApprovalDecision, [ApprovalDecision]>(APPROVE_UPDATE);
export const clearUpdate = defineUpdate<string[], [ClearRequest]>(CLEAR_UPDATE);

type EngineActivities = {
  [PREPARE_RUN_ACTIVITY]: (input: PrepareRunInput) => Promise<PrepareRunResult>;
  [RECORD_RUN_ACTIVITY]: (snapshot: RunSnapshot) => Promise<void>;
};
const ENGINE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20, nonRetryableErrorTypes: ['InvalidParamsError', 'DagNotFoundError', 'PlanTooLargeError'] },
};
const remoteEngine = proxyActivities<EngineActivities>(ENGINE_ACTIVITY_OPTIONS);
/**
 * The engine's own work (load the plan, write run records) runs as local activities: in the
 * worker that runs the workflow, inside the workflow task, without a round trip through the
 * server. Runs started before this change replay with the remote ones they recorded.
 */
const localEngine = proxyLocalActivities<EngineActivities>(ENGINE_ACTIVITY_OPTIONS);
export const LOCAL_ENGINE_PATCH = 'weir-local-engine-activities';
/** Airflow's root, branch-skip and empty-branch rules; runs recorded before them decide as they did. */
export const AIRFLOW_SEMANTICS_PATCH = 'weir-airflow-root-and-branch-semantics';
/**
 * Runs of any size: a history budget per execution, continue-as-new carrying the run, packed
 * snapshots. Runs recorded before it start every ready task at once, in one history.
 */
export const LARGE_RUNS_PATCH = 'weir-history-budget-continue-as-new';
/**
 * The run a continuation carries is deflated into one string (see compressed-carried-run.ts).
 * Runs that continued as new before it carried the plain packed run, and replay doing so.
 */
export const COMPRESSED_CARRY_PATCH = 'weir-compressed-carried-run';

/**
 * The interpreter: runs any DAG's Plan. Registered as the default workflow, so a run's workflow
 * type is its DAG id and its first argument is the params object.
 */
export async function runDag(rawParams?: unknown, options?: RunOptions): Promise<RunSnapshot | PackedRunSnapshot> {
  const info = workflowInfo();
  const local = patched(LOCAL_ENGINE_PATCH);
  const semantics = patched(AIRFLOW_SEMANTICS_PATCH) ? CURRENT_SEMANTICS : LEGACY_SEMANTICS;
  const largeRuns = patched(LARGE_RUNS_PATCH);
  const engine = local ? localEngine : remoteEngine;
  const recordQuietly = (state: RunState) => recordSnapshotQuietly(engine, state);
  const carried = largeRuns && options?.continued ? openCarriedRun(options.continued) : undefined;
  const { runType, logicalDate } = carried ? carried.run : identifyRun(options);
  upsertSearchAttributes({ [SEARCH_ATTRIBUTES.dagId]: [info.workflowType], [SEARCH_ATTRIBUTES.runType]: [runType] });
  const runId = info.workflowId;
  const state = new RunState(
    carried ? { ...carried.run } : { runId, dagId: info.workflowType, runType, logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd: logicalDate },
    carried ? carried.startedAt : new Date().toISOString(),
  );
  let changed = false;
  const wake = () => {
    changed = true;
  };
  const maxHistoryEvents = carried?.maxHistoryEvents ?? options?.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const budget = largeRuns ? new HistoryBudget(maxHistoryEvents) : undefined;
  const callbacks = new CallbackDispatcher(state);
  const launcher = new TaskLauncher(state, wake, callbacks, { emptyBranchChoice: semantics.rootsAlwaysRun }, budget);
  setHandler(runStateQuery, () => state.transportSnapshot(largeRuns));
  setHandler(taskOutputsQuery, () => Object.fromEntries(state.outputs));
  setHandler(approveUpdate, (decision) => launcher.decide(decision), { validator: (decision) => launcher.checkDecision(decision) });
  setHandler(
    clearUpdate,
    (request) => {
      const cleared = withDescendants(requirePlan(state), request.taskId);
      state.reset(cleared);
      state.status = 'running';
      state.endedAt = null;
      wake();
      return cleared;
    },
    { validator: (request) => checkClear(state, request) },
  );

  let plan: Plan;
  if (carried) {
    // A continuation: the plan pinned by the run's first execution, and every task as it was.
    plan = resumeCarriedRun(state, carried);
    for (const task of plan.tasks) if (task.kind === 'approval' && state.task(task.id).state === 'running') launcher.resumeApproval(task.id);
  } else {
    // prepareRun writes the first run record itself; runs from before that did it separately.
    const record = local ? { record: { runType, startedAt: state.startedAt } } : {};
    const prepared = await prepareOrFail(engine, { dagId: info.workflowType, runId, rawParams, logicalDate, ...record });
    Object.assign(state.run, { dataIntervalStart: prepared.dataIntervalStart, dataIntervalEnd: prepared.dataIntervalEnd });
    const loaded = prepared.packedPlan ? unpackPlan(prepared.packedPlan) : prepared.plan;
    if (!loaded) throw ApplicationFailure.nonRetryable(`prepareRun gave run ${runId} no plan`);
    plan = loaded;
    state.adopt(plan, prepared.params);
    // A rerun of a closed run keeps what the original recorded outside the cleared tasks.
    if (options?.rerunOf) adoptRecordedTasks(state, plan, options.rerunOf);
    if (!local) await recordQuietly(state);
  }

  try {
    for (;;) {
      const deferred = advance(state, launcher, semantics);
      if (deferred > 0 && budget && !runsActivities(state)) {
        // The history is full and nothing else will finish here: go on in a fresh execution.
        if (callbacks.hasPending() || launcher.hasUntakenDecisions()) {
          await Promise.all([callbacks.drain(), condition(() => !launcher.hasUntakenDecisions())]);
          continue;
        }
        const next = carryRun({ plan, snapshot: state.snapshot(), outputs: state.outputs, branchChoices: state.branchChoices, run: state.run, continuations: (carried?.continuations ?? 0) + 1, maxHistoryEvents });
        const carriedInput = patched(COMPRESSED_CARRY_PATCH) ? compressCarriedRun(next) : next;
        const bytes = utf8Bytes(JSON.stringify(carriedInput));
        if (bytes <= MAX_CARRIED_RUN_BYTES) {
          const nextOptions: RunOptions = { runType, logicalDate, continued: carriedInput };
          await continueAsNew<typeof runDag>(rawParams, nextOptions);
        }
        // Outputs too big to carry: this execution goes on alone, as runs did before the budget.
        log.warn('the run state is too large to continue as new; the run goes on in one history', { runId, bytes, limit: MAX_CARRIED_RUN_BYTES });
        budget.disable();
        continue;
      }
      if (state.running().length === 0) {
        // Some tasks settle the moment they start (an empty fan-out); decide their downstream too.
        if (!state.allTerminal()) continue;
        state.status = finalRunStatus(requirePlan(state), state.states());
        state.endedAt = new Date().toISOString();
        if (state.status !== 'failed' || plan.clearWindowMs <= 0) break;
        // A failed run waits for a person to clear tasks before it closes.
        await recordQuietly(state);
        changed = false;
        if (!(await condition(() => changed, plan.clearWindowMs))) break;
        continue;
      }
      await condition(() => changed);
      changed = false;
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    const now = new Date().toISOString();
    for (const taskId of state.running()) state.finish(taskId, 'cancelled', now, { error: 'run cancelled' });
    state.status = 'cancelled';
    state.endedAt = now;
    await CancellationScope.nonCancellable(() => recordQuietly(state));
    throw error;
  }

  await recordQuietly(state);
  const snapshot = state.snapshot();
  const sent = largeRuns ? state.transportSnapshot(true) : snapshot;
  const failedTasks = snapshot.tasks.filter((task) => task.state === 'failed');
  if (snapshot.status === 'failed') {
    callbacks.dispatch('failure', { failedTasks: failedTasks.map((t) => ({ id: t.id, error: t.error, attempts: t.attempts })) }, failedTasks[0]?.id);
  } else {
    callbacks.dispatch('success', { tasks: snapshot.tasks.length });
  }
  await callbacks.drain();
  if (snapshot.status === 'failed') {
    const failed = failedTasks.map((task) => `${task.id} (${task.error ?? 'failed'})`);
    throw ApplicationFailure.create({
      type: 'DagRunFailed',
      message: `Run ${runId} of DAG ${snapshot.dagId} failed: ${failed.join('; ') || 'a leaf task did not succeed'}`,
      nonRetryable: true,
      details: [sent],
    });
  }
  return sent;
}

/** Bad params or an unknown DAG fail the run with the reason itself, before any task runs. */
async function prepareOrFail(engine: EngineActivities, input: PrepareRunInput): Promise<PrepareRunResult> {
  try {
    return await engine[PREPARE_RUN_ACTIVITY](input);
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) {
      throw ApplicationFailure.create({ type: error.cause.type ?? 'InvalidRun', message: error.cause.message, nonRetryable: true });
    }
    throw error;
  }
}

/**
 * Applies skips and upstream failures, then starts every task that is ready; returns how many
 * ready tasks the history budget held back.
 */
function advance(state: RunState, launcher: TaskLauncher, semantics: SchedulingSemantics): number {
  const plan = requirePlan(state);
  const actions = nextActions(plan, state.states(), state.branchChoices, semantics);
  const now = new Date().toISOString();
  for (const id of actions.skip) state.settle(id, 'skipped', now);
  for (const id of actions.upstreamFailed) state.settle(id, 'upstream_failed', now);
  // Reasons read the states after every decision of this round, so upstream settles count too.
  const states = state.states();
  for (const task of plan.tasks) {
    const settled = states[task.id];
    if ((settled === 'skipped' || settled === 'upstream_failed') && state.task(task.id).reason === undefined) {
      state.explain(task.id, settleReason(task, settled, states, state.branchChoices));
    }
  }
  let deferred = 0;
  for (const id of actions.start) if (!launcher.start(id)) deferred++;
  return deferred;
}

/** Whether a task other than an approval is running: approvals carry over to a continuation, activities cannot. */
function runsActivities(state: RunState): boolean {
  for (const task of state.tasks.values()) if (task.state === 'running' && task.kind !== 'approval') return true;
  return false;
}

function resumeCarriedRun(state: RunState, carried: CarriedRun): Plan {
  const { plan, snapshot, outputs } = uncarryRun(carried);
  state.restore(plan, carried.params, snapshot.tasks, outputs, carried.branchChoices);
  return plan;
}

function checkClear(state: RunState, request: ClearRequest): void {
  const plan = requirePlan(state);
  if (!plan.tasks.some((task) => task.id === request.taskId)) throw new Error(`DAG ${plan.dagId} has no task "${request.taskId}"`);
  if (state.status === 'cancelled') throw new Error('the run was cancelled; start a new run instead');
  const busy = withDescendants(plan, request.taskId).filter((id) => ['running', 'pending'].includes(state.task(id).state) && id === request.taskId);
  if (busy.length > 0) throw new Error(`task "${request.taskId}" is ${state.task(request.taskId).state}; only finished tasks can be cleared`);
  const running = withDescendants(plan, request.taskId).filter((id) => state.task(id).state === 'running');
  if (running.length > 0) throw new Error(`tasks downstream of "${request.taskId}" are still running: ${running.join(', ')}`);
}

function requirePlan(state: RunState) {
  if (!state.plan) throw ApplicationFailure.nonRetryable('the run has not loaded its plan yet');
  return state.plan;
}

/** Run records in Postgres are a report; Temporal is the source of truth, so a failed write never fails the run. */
async function recordSnapshotQuietly(engine: EngineActivities, state: RunState): Promise<void> {
  try {
    await engine[RECORD_RUN_ACTIVITY](state.snapshot());
  } catch (error) {
    if (isCancellation(error)) throw error;
  }
}
