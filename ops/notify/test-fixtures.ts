import type { RunInfo } from '../../plan/types.ts';
import type { TaskContext } from '../../sdk/context.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';
import type { MessageLinks } from './messages.ts';

/** Shared by the unit and integration tests of ops/notify; not part of the public API. */

export const LINKS: MessageLinks = { temporalUiUrl: 'http://localhost:8233/', namespace: 'default' };

export const RUN: RunInfo = {
  runId: 'churn_retrain-manual-20261126T1000',
  dagId: 'churn_retrain',
  runType: 'manual',
  logicalDate: '2026-11-26T10:00:00.000Z',
  dataIntervalStart: '2026-11-19T10:00:00.000Z',
  dataIntervalEnd: '2026-11-26T10:00:00.000Z',
};

/** What the UI link for {@link RUN} must be, written out by hand rather than with runUrl(). */
export const RUN_LINK = 'http://localhost:8233/namespaces/default/workflows/churn_retrain-manual-20261126T1000';

/** A task context whose log lines are kept, so tests can scan them for secrets. */
export function taskContext(taskId = 'notify', signal: AbortSignal = new AbortController().signal, services: WeirServices = testServices()): { ctx: TaskContext; logs: string[] } {
  const logs: string[] = [];
  const log = (level: string) => (message: string, attrs?: Record<string, unknown>) => void logs.push(`${level} ${message} ${JSON.stringify(attrs ?? {})}`);
  const ctx: TaskContext = {
    params: { region: 'eu' },
    outputs: { evaluate: { passed: true } },
    taskId,
    run: { ...RUN, attempt: 1 },
    signal,
    heartbeat: () => {},
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    emit: () => {},
    services,
  };
  return { ctx, logs };
}
