import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { CALLBACK_ACTIVITY, PREPARE_RUN_ACTIVITY, RECORD_RUN_ACTIVITY, type EmittedEvent, type PrepareRunInput, type RunSnapshot } from '../plan/types.ts';
import type { WeirMetrics } from './metrics.ts';

/**
 * Counts runs, task attempts, drift checks and promotions from the activities this worker
 * executes, so no task body or operator has to report them itself. Task activities are typed
 * `<dagId>.<taskId>`; the engine's own activities have fixed names.
 */
export function metricsInterceptor(metrics: WeirMetrics): ActivityInterceptorsFactory {
  return (context: Context) => ({ inbound: new MetricsInboundInterceptor(metrics, context.info.activityType) });
}

class MetricsInboundInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly metrics: WeirMetrics,
    private readonly activityType: string,
  ) {}

  async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
    if (this.activityType === CALLBACK_ACTIVITY) return next(input as never);
    if (this.activityType === PREPARE_RUN_ACTIVITY) {
      const result = await next(input as never);
      this.metrics.runStarted((input.args[0] as PrepareRunInput).dagId);
      return result;
    }
    if (this.activityType === RECORD_RUN_ACTIVITY) {
      const result = await next(input as never);
      this.metrics.runRecorded(input.args[0] as RunSnapshot);
      return result;
    }
    return this.executeTask(input, next);
  }

  private async executeTask(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
    const [dagId = this.activityType, taskId = ''] = splitTaskType(this.activityType);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let result: unknown;
    try {
      result = await next(input as never);
    } catch (error) {
      this.metrics.taskAttempt(dagId, taskId, 'failed', seconds());
      throw error;
    }
    this.metrics.taskAttempt(dagId, taskId, 'success', seconds());
    const { output, events } = (result ?? {}) as { output?: unknown; events?: EmittedEvent[] };
    const share = driftShare(output);
    if (share !== undefined) this.metrics.driftChecked(dagId, taskId, share);
    const change = productionChange(output);
    // promote() announces itself with a `promotion` event; rollback() returns the same summary without one.
    if (change && !change.replayed) this.metrics.modelTransition(change.model, events?.some((event) => event.type === 'promotion') ? 'promote' : 'rollback');
    return result;
  }
}

/** `<dagId>.<taskId>`: DAG ids have no dots, so the first dot splits them. */
function splitTaskType(activityType: string): [string, string] | [] {
  const dot = activityType.indexOf('.');
  return dot < 0 ? [] : [activityType.slice(0, dot), activityType.slice(dot + 1)];
}

/** What promote() and rollback() return: `{ model, version, previousVersion, artifactUri, replayed, deployed }`. */
function productionChange(output: unknown): { model: string; replayed: boolean } | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const change = output as { model?: unknown; version?: unknown; artifactUri?: unknown; replayed?: unknown; deployed?: unknown };
  if (typeof change.model !== 'string' || typeof change.version !== 'number' || typeof change.artifactUri !== 'string' || typeof change.replayed !== 'boolean' || typeof change.deployed !== 'boolean') return undefined;
  return { model: change.model, replayed: change.replayed };
}

/** The drift operator's summary: `{ drifted, share, driftedColumns, ... }`. */
function driftShare(output: unknown): number | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const summary = output as { drifted?: unknown; share?: unknown; driftedColumns?: unknown };
  if (typeof summary.drifted !== 'boolean' || typeof summary.share !== 'number' || !Array.isArray(summary.driftedColumns)) return undefined;
  return summary.share;
}
