import type { ArtifactStore } from '../../artifacts/artifact-store.ts';
import { validateData } from '../../ops/data-validation/operator.ts';
import type { ValidationSummary } from '../../ops/data-validation/report.ts';
import { testServices } from '../../ops/test-services.ts';
import type { TaskContext } from '../../sdk/context.ts';

/** The context a worker hands a task body, with the given artifact store and data roots. */
export function taskContext(params: Record<string, unknown>, artifacts: ArtifactStore, dataRoots: string): TaskContext<Record<string, unknown>, Record<string, unknown>> {
  const noop = () => undefined;
  return {
    params,
    outputs: {},
    taskId: 'validate',
    run: { runId: 'fault', dagId: 'fault_paths', runType: 'manual', logicalDate: '2026-01-01T00:00:00Z', dataIntervalStart: '2026-01-01T00:00:00Z', dataIntervalEnd: '2026-01-02T00:00:00Z', attempt: 1 },
    signal: new AbortController().signal,
    heartbeat: noop,
    emit: noop,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    services: testServices({ artifacts, env: { WEIR_DATA_ROOTS: dataRoots } }),
  };
}

/** The validateData task body, as a DAG uses it, on `file` with one expectation (at least one row). */
export function validateAsATask(file: string, artifacts: ArtifactStore, dataRoots: string): Promise<ValidationSummary> {
  return validateData({ file: (ctx) => String(ctx.params.file), expectations: { rowCount: { min: 1 } } })(taskContext({ file }, artifacts, dataRoots));
}
