import type { TaskContext } from '../../sdk/context.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';

export interface RecordingContext<P, U> extends TaskContext<P, U> {
  /** What the body passed to ctx.emit, in order. */
  emitted: { type: string; details: Record<string, unknown> }[];
}

/** A TaskContext as the task runner builds it, for calling operator bodies directly in tests. */
export function testTaskContext<P = Record<string, unknown>, U = Record<string, unknown>>(input: {
  runId: string;
  taskId: string;
  params?: P;
  outputs?: U;
  attempt?: number;
  signal?: AbortSignal;
  services?: WeirServices;
}): RecordingContext<P, U> {
  const emitted: RecordingContext<P, U>['emitted'] = [];
  const quiet = () => {};
  return {
    params: input.params ?? ({} as P),
    outputs: input.outputs ?? ({} as U),
    taskId: input.taskId,
    run: {
      runId: input.runId,
      dagId: 'test_dag',
      runType: 'manual',
      logicalDate: '2026-11-26T00:00:00.000Z',
      dataIntervalStart: '2026-11-26T00:00:00.000Z',
      dataIntervalEnd: '2026-11-26T00:00:00.000Z',
      attempt: input.attempt ?? 1,
    },
    signal: input.signal ?? new AbortController().signal,
    heartbeat: quiet,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    emit: (type, details) => void emitted.push({ type, details }),
    emitted,
    services: input.services ?? testServices(),
  };
}
