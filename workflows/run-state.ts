import { pendingTaskState } from '../plan/starting-snapshot.ts';
import { isTerminal } from '../plan/trigger-rules.ts';
import { PACK_SNAPSHOT_ABOVE_ENTRIES, packRunSnapshot, snapshotEntries, type PackedRunSnapshot } from '../plan/packed-snapshot.ts';
import type { MapInstanceState, Plan, PlanTask, RunInfo, RunSnapshot, RunStatus, TaskRunState, TaskState } from '../plan/types.ts';

/** Everything a run knows about its tasks. Lives in workflow memory; rebuilt by replay. */
export class RunState {
  readonly tasks = new Map<string, TaskRunState>();
  readonly outputs = new Map<string, unknown>();
  readonly branchChoices: Record<string, string[]> = {};
  status: RunStatus = 'queued';
  endedAt: string | null = null;
  plan: Plan | null = null;
  params: Record<string, unknown> = {};

  constructor(readonly run: RunInfo, readonly startedAt: string) {}

  adopt(plan: Plan, params: Record<string, unknown>): void {
    this.plan = plan;
    this.params = params;
    this.status = 'running';
    for (const task of plan.tasks) this.tasks.set(task.id, pendingTaskState(task));
  }

  /** Takes over what an earlier execution of the same run recorded (continue-as-new). */
  restore(plan: Plan, params: Record<string, unknown>, tasks: readonly TaskRunState[], outputs: ReadonlyMap<string, unknown>, branchChoices: Record<string, string[]>): void {
    this.adopt(plan, params);
    for (const task of tasks) if (this.tasks.has(task.id)) this.tasks.set(task.id, task);
    for (const [id, output] of outputs) this.outputs.set(id, output);
    Object.assign(this.branchChoices, branchChoices);
  }

  task(taskId: string): TaskRunState {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error(`unknown task ${taskId}`);
    return task;
  }

  states(): Record<string, TaskState> {
    return Object.fromEntries([...this.tasks].map(([id, task]) => [id, task.state]));
  }

  markRunning(taskId: string, now: string): void {
    Object.assign(this.task(taskId), { state: 'running', startedAt: now, endedAt: null, error: null });
  }

  finish(taskId: string, state: TaskState, now: string, details: { attempts?: number; error?: string | null; output?: unknown } = {}): void {
    const task = this.task(taskId);
    task.state = state;
    task.endedAt = now;
    if (details.attempts !== undefined) task.attempts = details.attempts;
    if (details.error !== undefined) task.error = details.error;
    if (state === 'success') this.outputs.set(taskId, details.output ?? null);
  }

  /** Marks a task as decided without running (skipped, upstream_failed). */
  settle(taskId: string, state: TaskState, now: string): void {
    Object.assign(this.task(taskId), { state, startedAt: null, endedAt: now });
  }

  /** Why a settled task did not run; shown by `weir runs show`. */
  explain(taskId: string, reason: string): void {
    this.task(taskId).reason = reason;
  }

  /** Takes the attempt's own start and end, as the worker that ran it measured them. */
  useAttemptTimes(taskId: string, times: { startedAt?: string | undefined; endedAt?: string | undefined }): void {
    const task = this.task(taskId);
    if (times.startedAt) task.startedAt = times.startedAt;
    if (times.endedAt) task.endedAt = times.endedAt;
  }

  setInstances(taskId: string, instances: MapInstanceState[]): void {
    this.task(taskId).instances = instances;
  }

  reset(taskIds: readonly string[]): void {
    for (const id of taskIds) {
      const task = this.task(id);
      Object.assign(task, { state: 'pending', attempts: 0, startedAt: null, endedAt: null, error: null });
      delete task.instances;
      delete task.reason;
      this.outputs.delete(id);
      delete this.branchChoices[id];
    }
  }

  running(): string[] {
    return [...this.tasks.values()].filter((task) => task.state === 'running').map((task) => task.id);
  }

  allTerminal(): boolean {
    return [...this.tasks.values()].every((task) => isTerminal(task.state));
  }

  /** Outputs of the task's direct upstream tasks that succeeded. */
  upstreamOutputs(task: PlanTask): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const id of task.needs) if (this.tasks.get(id)?.state === 'success') result[id] = this.outputs.get(id);
    return result;
  }

  /**
   * The snapshot as queries and the run's result carry it: packed once the run holds more
   * entries than one payload comfortably takes (`packLarge`; runs recorded before that send it plain).
   */
  transportSnapshot(packLarge: boolean): RunSnapshot | PackedRunSnapshot {
    const snapshot = this.snapshot();
    return packLarge && snapshotEntries(snapshot.tasks) > PACK_SNAPSHOT_ABOVE_ENTRIES ? packRunSnapshot(snapshot) : snapshot;
  }

  snapshot(): RunSnapshot {
    return {
      runId: this.run.runId,
      dagId: this.run.dagId,
      runType: this.run.runType,
      status: this.status,
      logicalDate: this.run.logicalDate,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      params: this.params,
      tasks: [...this.tasks.values()].map((task) => ({ ...task, ...(task.instances ? { instances: task.instances.map((i) => ({ ...i })) } : {}) })),
    };
  }
}

