import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/**
 * The histories of every execution of a run so far, oldest first. Walks back from the latest
 * execution (or `latestExecution`) through the run each started event says it continues.
 * Reads the histories, not the visibility store.
 */
export async function executionHistories(client: Client, runId: string, latestExecution?: string): Promise<History[]> {
  let execution: string | undefined = latestExecution ?? (await client.workflow.getHandle(runId).describe()).runId;
  const histories: History[] = [];
  while (execution) {
    const history: History = await client.workflow.getHandle(runId, execution).fetchHistory();
    histories.unshift(history);
    execution = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return histories;
}
