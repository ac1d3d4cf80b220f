import { log, proxyActivities } from '@temporalio/workflow';
import { CALLBACK_ACTIVITY, type CallbackInput, type EmittedEvent, type RunEventType } from '../plan/types.ts';
import type { RunState } from './run-state.ts';

const deliver = proxyActivities<{ [CALLBACK_ACTIVITY]: (input: CallbackInput) => Promise<void> }>({
  startToCloseTimeout: '2 minutes',
  // An SMTP outage should delay a notification, not lose it: retry for about an hour.
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
})[CALLBACK_ACTIVITY];

/**
 * Sends run events to the DAG's callbacks, each in its own activity, so a failing
 * notification never changes a task's outcome. The run waits for deliveries before closing.
 */
export class CallbackDispatcher {
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly state: RunState) {}

  dispatch(type: RunEventType, details: Record<string, unknown>, taskId?: string): void {
    if (!this.state.plan?.callbacks?.includes(type)) return;
    const input: CallbackInput = { dagId: this.state.run.dagId, event: { type, run: this.state.run, ...(taskId ? { taskId } : {}), details } };
    this.pending.push(
      deliver(input).catch((error: unknown) => {
        log.warn('a run callback failed after all retries', { type, taskId, error: String(error) });
      }),
    );
  }

  dispatchEmitted(events: readonly EmittedEvent[] | undefined, taskId: string): void {
    for (const event of events ?? []) this.dispatch(event.type, event.details, taskId);
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  async drain(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}
