import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Run statuses after which a run does not change again. */
const FINAL_RUN_STATUSES = new Set(['success', 'failed', 'cancelled']);

/**
 * Weir's own metrics for one worker process, in their own registry so two workers in one
 * process (or a test) never share counters. Served as Prometheus text by the health server.
 */
export class WeirMetrics {
  readonly registry = new Registry();
  readonly #runsStarted = new Counter({ name: 'weir_runs_started_total', help: 'Runs whose plan this worker prepared, by DAG', labelNames: ['dag'], registers: [this.registry] });
  readonly #runsFinished = new Counter({ name: 'weir_runs_finished_total', help: 'Runs that closed on this worker, by DAG and status', labelNames: ['dag', 'status'], registers: [this.registry] });
  readonly #taskAttempts = new Counter({ name: 'weir_task_attempts_total', help: 'Task attempts run by this worker, by DAG, task and outcome', labelNames: ['dag', 'task', 'outcome'], registers: [this.registry] });
  readonly #taskDuration = new Histogram({
    name: 'weir_task_duration_seconds',
    help: 'Duration of task attempts run by this worker',
    labelNames: ['dag', 'task', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly #driftShare = new Gauge({ name: 'weir_drift_share', help: 'Share of drifted columns in the latest drift check of a task', labelNames: ['dag', 'task'], registers: [this.registry] });
  readonly #modelTransitions = new Counter({ name: 'weir_model_transitions_total', help: 'Promotions and rollbacks made by tasks on this worker', labelNames: ['model', 'action'], registers: [this.registry] });
  /** Run ids already counted as finished: a retried or repeated final record counts once. */
  readonly #finished = new Set<string>();

  runStarted(dagId: string): void {
    this.#runsStarted.inc({ dag: dagId });
  }

  runRecorded(snapshot: { runId: string; dagId: string; status: string }): void {
    if (!FINAL_RUN_STATUSES.has(snapshot.status) || this.#finished.has(snapshot.runId)) return;
    if (this.#finished.size >= 10_000) this.#finished.clear();
    this.#finished.add(snapshot.runId);
    this.#runsFinished.inc({ dag: snapshot.dagId, status: snapshot.status });
  }

  taskAttempt(dagId: string, taskId: string, outcome: 'success' | 'failed', seconds: number): void {
    this.#taskAttempts.inc({ dag: dagId, task: taskId, outcome });
    this.#taskDuration.observe({ dag: dagId, task: taskId, outcome }, seconds);
  }

  driftChecked(dagId: string, taskId: string, share: number): void {
    this.#driftShare.set({ dag: dagId, task: taskId }, share);
  }

  modelTransition(model: string, action: 'promote' | 'rollback'): void {
    this.#modelTransitions.inc({ model, action });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
