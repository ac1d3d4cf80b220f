/**
 * The Plan is the contract between the compiler (sdk/) and the interpreter (workflows/).
 * It is plain JSON so a run can record it in its history once and replay from it forever.
 */

export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
  'all_done_min_one_success',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export const TASK_STATES = [
  'pending',
  'running',
  'success',
  'failed',
  'skipped',
  'upstream_failed',
  'cancelled',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export type TaskKind = 'task' | 'branch' | 'map' | 'approval';

export type RunStatus = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

export type RunType = 'manual' | 'scheduled' | 'backfill';

/** Resolved per-task execution options, all durations in milliseconds. */
export interface PlanTaskOptions {
  /** Retries after the first attempt; 0 means one attempt only. */
  retries: number;
  retryDelayMs: number;
  backoffCoefficient: number;
  maxRetryDelayMs?: number;
  timeoutMs: number;
  heartbeatTimeoutMs?: number;
  /** Task queue override, for pools of workers. */
  queue?: string;
}

export interface PlanTask {
  id: string;
  kind: TaskKind;
  needs: string[];
  triggerRule: TriggerRule;
  options: PlanTaskOptions;
  /** For kind 'map': the upstream task whose output (a JSON array) is mapped over. */
  mapOver?: string;
  /** For kind 'map': above this many items, instances run in child workflows of this size. */
  mapBatchSize?: number;
  /** For kind 'approval': how long to wait for a decision. */
  approvalTimeoutMs?: number;
}

export interface PlanSchedule {
  /** Five-field cron expression; presets such as `@daily` are expanded by the compiler. */
  cron: string;
  /** The cron string as the author wrote it. */
  source: string;
  timezone: string;
  catchup: boolean;
  maxActiveRuns: number;
}

export interface Plan {
  planVersion: 1;
  dagId: string;
  description?: string;
  /** Path of the DAG file, relative to the DAGs folder. */
  file: string;
  schedule?: PlanSchedule;
  /** How long a failed run stays open so that `clear` can rerun tasks in the same run. */
  clearWindowMs: number;
  /** Tasks in a topological order: every task appears after all of its `needs`. */
  tasks: PlanTask[];
  /** Run events the DAG has callbacks for; absent in plans recorded before callbacks existed. */
  callbacks?: RunEventType[];
}

export const RUN_EVENT_TYPES = ['failure', 'success', 'drift', 'promotion', 'rejection'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** Something a DAG's callbacks hear about: the run failed, drift was found, a model was promoted... */
export interface RunEvent {
  type: RunEventType;
  run: RunInfo;
  taskId?: string;
  details: Record<string, unknown>;
}

/** An event a task body emitted with `ctx.emit`, carried back in its result. */
export interface EmittedEvent {
  type: RunEventType;
  details: Record<string, unknown>;
}

/** What the workflow passes to every task activity. Small by design: it is stored in history. */
export interface TaskActivityInput {
  dagId: string;
  taskId: string;
  runId: string;
  params: Record<string, unknown>;
  /** Outputs of the task's direct upstream tasks that succeeded. */
  upstream: Record<string, unknown>;
  run: RunInfo;
  mapIndex?: number;
  mapItem?: unknown;
}

export interface RunInfo {
  runId: string;
  dagId: string;
  runType: RunType;
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
}

export interface TaskActivityResult {
  output: unknown;
  attempt: number;
  /** When the attempt started and ended, by the clock of the worker that ran it. */
  startedAt?: string;
  endedAt?: string;
  events?: EmittedEvent[];
}

/** Details attached to a task failure so the workflow can report attempts. */
export interface TaskFailureDetails {
  attempt: number;
  /** When the failed attempt started and ended, by the clock of the worker that ran it. */
  startedAt?: string;
  endedAt?: string;
}

export interface TaskRunState {
  id: string;
  kind: TaskKind;
  state: TaskState;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  error: string | null;
  /** Why a skipped or upstream_failed task did not run, e.g. "upstream `train` failed". */
  reason?: string;
  /** For mapped tasks: the state of each instance. */
  instances?: MapInstanceState[];
}

export interface MapInstanceState {
  index: number;
  state: TaskState;
  attempts: number;
  error: string | null;
}

export interface RunSnapshot {
  runId: string;
  dagId: string;
  runType: RunType;
  status: RunStatus;
  logicalDate: string;
  startedAt: string;
  endedAt: string | null;
  params: Record<string, unknown>;
  tasks: TaskRunState[];
}

/** The names the interpreter registers for queries and updates. */
export const RUN_STATE_QUERY = 'weir.runState';
export const TASK_OUTPUTS_QUERY = 'weir.taskOutputs';
export const APPROVE_UPDATE = 'weir.approve';
export const CLEAR_UPDATE = 'weir.clear';

export interface ApprovalDecision {
  taskId: string;
  approved: boolean;
  comment?: string;
  actor?: string;
}

/** The output of an approval task. */
export interface ApprovalResult {
  approved: boolean;
  comment: string | null;
  actor: string | null;
  decidedAt: string;
}

export interface ClearRequest {
  taskId: string;
}

/** Search attributes the dev stack registers and the interpreter upserts. */
export const SEARCH_ATTRIBUTES = {
  dagId: 'WeirDagId',
  runType: 'WeirRunType',
} as const;

/** Activity types of the engine itself (task activities are `<dagId>.<taskId>`). */
export const PREPARE_RUN_ACTIVITY = 'weir.prepareRun';
export const RECORD_RUN_ACTIVITY = 'weir.recordRun';
export const CALLBACK_ACTIVITY = 'weir.callback';

export interface CallbackInput {
  dagId: string;
  event: RunEvent;
}

export interface PrepareRunInput {
  dagId: string;
  runId: string;
  rawParams: unknown;
  logicalDate: string;
  /** When given, prepareRun also writes the run's first record, so no separate activity has to. */
  record?: { runType: RunType; startedAt: string };
}

/**
 * A Plan as a run records it in history: task options kept once in a table, `needs` as
 * indexes into the task list, defaults left out. A static DAG of 20,000 tasks packs to about
 * half a megabyte, where its plain JSON (3.4 MB) would pass Temporal's 2 MB payload limit. Packing loses nothing: `unpackPlan(packPlan(p))` equals `p`.
 */
export interface PackedPlan {
  packedPlanVersion: 1;
  plan: Omit<Plan, 'tasks'>;
  options: PlanTaskOptions[];
  /** [id, needs as indexes, options index, kind if not 'task', rule if not 'all_success', extras]. */
  tasks: PackedTask[];
}

export type PackedTask = [string, number[], number, (TaskKind | 0)?, (TriggerRule | 0)?, PackedExtras?];
export type PackedExtras = Pick<PlanTask, 'mapOver' | 'mapBatchSize' | 'approvalTimeoutMs'>;

export interface PrepareRunResult {
  /** The plan as runs recorded before packing carry it. */
  plan?: Plan;
  /** The plan, packed so that a DAG of many thousand tasks stays one small payload. */
  packedPlan?: PackedPlan;
  params: Record<string, unknown>;
  dataIntervalStart: string;
  dataIntervalEnd: string;
}

/**
 * Most static tasks one run may hold. The history is no bound (a run continues as new when its
 * history budget is spent); what bounds it is the run carried to the next execution, its plan
 * and every task's state packed into one payload under Temporal's 2 MB. Bigger fan-outs belong
 * in `.map()`, which splits into child workflows.
 */
export const MAX_STATIC_TASKS = 20_000;

/**
 * Most events one execution of a run records before it continues as new: under the 10,240 at
 * which Temporal starts warning, a fifth of the 51,200 at which it ends a workflow.
 */
export const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

/** Largest packed plan prepareRun hands to a run; Temporal refuses payloads over 2 MB. */
export const MAX_PACKED_PLAN_BYTES = 1536 * 1024;

/** Largest JSON output a task may return; bigger data belongs in an artifact. */
export const MAX_OUTPUT_BYTES = 256 * 1024;

export const DEFAULT_TASK_QUEUE = 'weir';

/** Items per child workflow of a large fan-out: about 1,600 history events each. */
export const DEFAULT_MAP_BATCH_SIZE = 500;
