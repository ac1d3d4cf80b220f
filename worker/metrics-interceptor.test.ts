import type { Context } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { WeirMetrics } from './metrics.ts';
import { metricsInterceptor } from './metrics-interceptor.ts';

/** Runs one activity of `activityType` through the interceptor, with `result` as what the activity returns or throws. */
async function runThrough(metrics: WeirMetrics, activityType: string, result: unknown, args: unknown[] = [{}]): Promise<unknown> {
  const interceptor = metricsInterceptor(metrics)({ info: { activityType } } as unknown as Context).inbound;
  const next = async () => {
    if (result instanceof Error) throw result;
    return result;
  };
  return interceptor?.execute?.({ args, headers: {} }, next as never);
}

const change = { model: 'churn', version: 3, previousVersion: 2, artifactUri: 'file:///m', deployed: false };

describe('metrics from the activities a worker runs', () => {
  it('counts task attempts by outcome and rethrows failures', async () => {
    const metrics = new WeirMetrics();
    await runThrough(metrics, 'churn.train', { output: 1, attempt: 1 });
    await expect(runThrough(metrics, 'churn.train', new Error('boom'))).rejects.toThrow('boom');
    const text = await metrics.text();
    expect(text).toContain('weir_task_attempts_total{dag="churn",task="train",outcome="success"} 1');
    expect(text).toContain('weir_task_attempts_total{dag="churn",task="train",outcome="failed"} 1');
  });

  it("reads the drift share from the drift operator's summary", async () => {
    const metrics = new WeirMetrics();
    await runThrough(metrics, 'churn.drift', { output: { drifted: true, share: 0.6, driftedColumns: ['a'] }, attempt: 1 });
    await runThrough(metrics, 'churn.other', { output: { share: 0.9 }, attempt: 1 });
    const text = await metrics.text();
    expect(text).toContain('weir_drift_share{dag="churn",task="drift"} 0.6');
    expect(text).not.toContain('task="other"} 0.9');
  });

  it('tells a promotion (it emits an event) from a rollback, and skips a change an earlier attempt made', async () => {
    const metrics = new WeirMetrics();
    await runThrough(metrics, 'churn.promote', { output: { ...change, replayed: false }, attempt: 1, events: [{ type: 'promotion', details: { model: 'churn' } }] });
    await runThrough(metrics, 'churn.rollback', { output: { ...change, replayed: false }, attempt: 1 });
    await runThrough(metrics, 'churn.rollback', { output: { ...change, replayed: true }, attempt: 2 });
    const text = await metrics.text();
    expect(text).toContain('weir_model_transitions_total{model="churn",action="promote"} 1');
    expect(text).toContain('weir_model_transitions_total{model="churn",action="rollback"} 1');
  });

  it('counts a run once when it starts and once when its final record is written', async () => {
    const metrics = new WeirMetrics();
    await runThrough(metrics, 'weir.prepareRun', {}, [{ dagId: 'churn', runId: 'r1' }]);
    const final = { runId: 'r1', dagId: 'churn', status: 'success' };
    await runThrough(metrics, 'weir.recordRun', undefined, [{ ...final, status: 'running' }]);
    await runThrough(metrics, 'weir.recordRun', undefined, [final]);
    await runThrough(metrics, 'weir.recordRun', undefined, [final]);
    const text = await metrics.text();
    expect(text).toContain('weir_runs_started_total{dag="churn"} 1');
    expect(text).toContain('weir_runs_finished_total{dag="churn",status="success"} 1');
  });
});
