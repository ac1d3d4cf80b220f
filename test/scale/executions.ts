import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/**
 * The histories of every execution of a run so far, oldest first: from its first execution,
 * through each continued-as-new event. Reads the histories, not the visibility store.
 */
export async function executionHistories(client: Client, runId: string, firstExecution?: string): Promise<temporal.api.history.v1.IHistory[]> {
  let execution: string | undefined = firstExecution ?? (await client.workflow.getHandle(runId).describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
  const histories: temporal.api.history.v1.IHistory[] = [];
  while (execution) {
    const history = await client.workflow.getHandle(runId, execution).fetchHistory();
    histories.push(history);
    const continued = history.events?.find((event) => event.workflowExecutionContinuedAsNewEventAttributes);
    execution = continued?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return histories;
}
