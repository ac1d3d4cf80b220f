import { condition, executeChild, isCancellation, workflowInfo } from '@temporalio/workflow';
import { EVENTS_PER_APPROVAL, historyCostOf, type HistoryBudget } from '../plan/history-budget.ts';
import { DEFAULT_MAP_BATCH_SIZE, type ApprovalDecision, type EmittedEvent, type MapInstanceState, type PlanTask, type TaskActivityInput } from '../plan/types.ts';
import { weirMapBatch } from './map-batch.ts';
import { pendingInstances, runMapSlice } from './map-instances.ts';
import { runApproval } from './approvals.ts';
import type { CallbackDispatcher } from './callbacks.ts';
import type { RunState } from './run-state.ts';
import { callTaskActivity, describeTaskFailure, errorMessage } from './task-activities.ts';

/** Starts tasks of every kind and writes their outcome back into the run state. */
export class TaskLauncher {
  private readonly decisions = new Map<string, ApprovalDecision & { decidedAt: string }>();
  private index: Map<string, PlanTask> | undefined;

  constructor(
    private readonly state: RunState,
    private readonly wake: () => void,
    private readonly callbacks: CallbackDispatcher,
    /** Whether a branch may return null to choose nothing (runs recorded before could not). */
    private readonly options: { emptyBranchChoice: boolean } = { emptyBranchChoice: false },
    /** Keeps this execution's history within its limit; runs recorded before it have none. */
    private readonly budget?: HistoryBudget,
  ) {}

  /**
   * Starts a ready task, unless the run's history budget cannot take what it may add; then it
   * stays pending and `false` says so (the run continues as new to make room).
   */
  start(taskId: string): boolean {
    const task = this.taskById(taskId);
    if (!task) return true;
    const cost = historyCostOf(task, task.kind === 'map' ? arrayLength(this.state.outputs.get(task.mapOver ?? '')) : 0);
    if (this.budget && !this.budget.admits(cost, workflowInfo().historyLength)) return false;
    const release = this.budget?.reserve(cost);
    this.state.markRunning(taskId, now());
    const work =
      task.kind === 'map' ? this.runMapped(task) : task.kind === 'approval' ? this.runApprovalTask(task) : this.runSingle(task);
    this.settleLater(task, work, release);
    return true;
  }

  /** An approval that was waiting when the run continued as new waits on, for the time it has left. */
  resumeApproval(taskId: string): void {
    const task = this.taskById(taskId);
    if (!task || task.kind !== 'approval') return;
    const startedAt = Date.parse(this.state.task(taskId).startedAt ?? now());
    const remainingMs = (task.approvalTimeoutMs ?? 0) - (Date.now() - startedAt);
    this.settleLater(task, this.runApprovalTask(task, remainingMs), this.budget?.reserve(EVENTS_PER_APPROVAL));
  }

  /** Decisions that arrived but that their approval task has not taken yet. */
  hasUntakenDecisions(): boolean {
    return this.decisions.size > 0;
  }

  private settleLater(task: PlanTask, work: Promise<void>, release: (() => void) | undefined): void {
    // One `then`, not `catch` and `finally`: the SDK captures a stack trace for every promise a
    // workflow makes (for its stack trace query), which made these two the engine's largest cost
    // per task.
    const settled = () => {
      release?.();
      this.wake();
    };
    void work.then(settled, (error: unknown) => {
      this.recordFailure(task, error);
      settled();
    });
  }

  private taskById(taskId: string): PlanTask | undefined {
    this.index ??= new Map(this.plan().tasks.map((task) => [task.id, task]));
    return this.index.get(taskId);
  }

  checkDecision(decision: ApprovalDecision): void {
    const task = this.plan().tasks.find((t) => t.id === decision?.taskId);
    if (!task || task.kind !== 'approval') throw new Error(`"${decision?.taskId}" is not an approval task of DAG ${this.plan().dagId}`);
    if (this.state.task(task.id).state !== 'running' || this.decisions.has(task.id)) {
      throw new Error(`approval task "${task.id}" is not waiting for a decision (state: ${this.state.task(task.id).state})`);
    }
    if (typeof decision.approved !== 'boolean') throw new Error('the decision needs "approved": true or false');
  }

  decide(decision: ApprovalDecision): ApprovalDecision {
    this.decisions.set(decision.taskId, { ...decision, decidedAt: now() });
    return decision;
  }

  private plan() {
    if (!this.state.plan) throw new Error('plan not loaded');
    return this.state.plan;
  }

  private input(task: PlanTask, extra: Partial<TaskActivityInput> = {}): TaskActivityInput {
    return {
      dagId: this.state.run.dagId,
      taskId: task.id,
      runId: this.state.run.runId,
      params: this.state.params,
      upstream: this.state.upstreamOutputs(task),
      run: this.state.run,
      ...extra,
    };
  }

  private async runSingle(task: PlanTask): Promise<void> {
    try {
      const result = await callTaskActivity(task, this.input(task));
      if (task.kind === 'branch') {
        const problem = this.recordBranchChoice(task, result.output);
        if (problem) {
          this.state.finish(task.id, 'failed', now(), { attempts: result.attempt, error: problem });
          return;
        }
      }
      this.state.finish(task.id, 'success', now(), { attempts: result.attempt, output: task.kind === 'branch' ? this.state.branchChoices[task.id] : result.output });
      this.state.useAttemptTimes(task.id, result);
      this.callbacks.dispatchEmitted(result.events, task.id);
    } catch (error) {
      this.recordFailure(task, error);
    }
  }

  private recordBranchChoice(task: PlanTask, output: unknown): string | null {
    // null or [] chooses nothing: every direct downstream task is skipped, as in Airflow.
    const chosen = typeof output === 'string' ? [output] : output === null && this.options.emptyBranchChoice ? [] : output;
    if (!Array.isArray(chosen) || !chosen.every((id) => typeof id === 'string')) {
      return `branch must return a task id, a list of task ids, or null, got ${JSON.stringify(output) ?? 'undefined'}`;
    }
    const downstream = this.plan().tasks.filter((t) => t.needs.includes(task.id)).map((t) => t.id);
    const unknown = chosen.filter((id) => !downstream.includes(id));
    if (unknown.length > 0) return `branch chose ${unknown.join(', ')}, which is not directly downstream (choose from: ${downstream.join(', ') || 'nothing'})`;
    this.state.branchChoices[task.id] = chosen as string[];
    return null;
  }

  private async runMapped(task: PlanTask): Promise<void> {
    const items = this.state.outputs.get(task.mapOver ?? '');
    if (!Array.isArray(items)) {
      this.state.finish(task.id, 'failed', now(), { error: `map over "${task.mapOver}" needs a JSON array, got ${typeof items}` });
      return;
    }
    if (items.length === 0) {
      this.state.finish(task.id, 'skipped', now(), { output: [] });
      this.state.explain(task.id, `\`${task.mapOver}\` gave an empty list to map over`);
      return;
    }
    const { instances, outputs } = await this.runAllInstances(task, items);
    const failed = instances.filter((i) => i.state !== 'success');
    if (failed.length === 0) {
      this.state.finish(task.id, 'success', now(), { attempts: Math.max(...instances.map((i) => i.attempts)), output: outputs });
    } else if (failed.some((i) => i.state === 'cancelled')) {
      this.state.finish(task.id, 'cancelled', now(), { error: 'run cancelled' });
    } else {
      const first = failed[0] as MapInstanceState;
      this.state.finish(task.id, 'failed', now(), { error: `${failed.length} of ${instances.length} mapped instances failed; [${first.index}]: ${first.error}` });
    }
  }

  /**
   * Small fan-outs run here; large ones in child workflows of `mapBatchSize` items each, so no
   * single history grows past Temporal's limits.
   */
  private async runAllInstances(task: PlanTask, items: unknown[]): Promise<{ instances: MapInstanceState[]; outputs: unknown[] }> {
    // The list itself is not repeated in every instance's input: each gets its own item.
    const base = this.input(task);
    delete base.upstream[task.mapOver ?? ''];
    const batchSize = task.mapBatchSize ?? DEFAULT_MAP_BATCH_SIZE;
    const instances = pendingInstances(items.length, 0);
    this.state.setInstances(task.id, instances);
    const outputs: unknown[] = new Array(items.length).fill(null);
    const onEvents = (events: EmittedEvent[]) => this.callbacks.dispatchEmitted(events, task.id);
    if (items.length <= batchSize) {
      await runMapSlice({ task, base, items, offset: 0 }, instances, outputs, onEvents);
      return { instances, outputs };
    }
    const batches = Math.ceil(items.length / batchSize);
    await Promise.all(
      Array.from({ length: batches }, async (_, batch) => {
        const offset = batch * batchSize;
        const slice = { task, base, items: items.slice(offset, offset + batchSize), offset };
        const result = await executeChild(weirMapBatch, {
          args: [slice],
          workflowId: `${this.state.run.runId}--${task.id}--batch-${batch}`,
        });
        result.instances.forEach((instance, i) => Object.assign(instances[offset + i] as MapInstanceState, instance));
        result.outputs.forEach((output, i) => (outputs[offset + i] = output));
        onEvents(result.events);
      }),
    );
    return { instances, outputs };
  }

  private async runApprovalTask(task: PlanTask, remainingMs?: number): Promise<void> {
    const outcome = await runApproval(task, () => this.decisions.get(task.id), condition, remainingMs);
    this.decisions.delete(task.id);
    if (outcome.approved) this.state.finish(task.id, 'success', now(), { attempts: 1, output: outcome.result });
    else this.state.finish(task.id, 'failed', now(), { attempts: 1, error: outcome.error });
  }

  private recordFailure(task: PlanTask, error: unknown): void {
    if (isCancellation(error)) {
      this.state.finish(task.id, 'cancelled', now(), { error: 'run cancelled' });
      return;
    }
    const failure = describeTaskFailure(error, task);
    this.state.finish(task.id, 'failed', now(), { attempts: failure.attempts, error: failure.message || errorMessage(error) });
    this.state.useAttemptTimes(task.id, failure);
  }
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function now(): string {
  return new Date().toISOString();
}
