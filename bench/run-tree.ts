import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** The size of one run in Temporal: its workflow, the child workflows it started, and their continuations. */
export interface RunTreeSize {
  workflows: number;
  /** Events in the largest single history: what Temporal's per-history limits apply to. */
  maxHistoryEvents: number;
  largestWorkflowId: string;
  totalHistoryEvents: number;
}

interface Execution {
  workflowId: string;
  runId?: string;
}

/**
 * Walks a run's tree through the histories themselves (child workflow started, continued as
 * new), so nothing depends on the visibility store having caught up.
 */
export async function measureRunTree(client: Client, workflowId: string): Promise<RunTreeSize> {
  const pending: Execution[] = [{ workflowId, runId: await firstExecutionOf(client, workflowId) }];
  const size: RunTreeSize = { workflows: 0, maxHistoryEvents: 0, largestWorkflowId: workflowId, totalHistoryEvents: 0 };
  for (let next = pending.pop(); next; next = pending.pop()) {
    const events = (await client.workflow.getHandle(next.workflowId, next.runId).fetchHistory()).events ?? [];
    size.workflows++;
    size.totalHistoryEvents += events.length;
    if (events.length > size.maxHistoryEvents) Object.assign(size, { maxHistoryEvents: events.length, largestWorkflowId: next.workflowId });
    pending.push(...executionsStartedBy(next.workflowId, events));
  }
  return size;
}

/**
 * A handle without a run id reaches the latest execution; a run that continued as new started
 * earlier. Walks back through each execution's started event, which names the one it continues.
 */
async function firstExecutionOf(client: Client, workflowId: string): Promise<string> {
  let runId = (await client.workflow.getHandle(workflowId).describe()).runId;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return runId;
    runId = previous;
  }
}

function executionsStartedBy(workflowId: string, events: readonly temporal.api.history.v1.IHistoryEvent[]): Execution[] {
  const started: Execution[] = [];
  for (const event of events) {
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (child?.workflowId) started.push({ workflowId: child.workflowId, ...(child.runId ? { runId: child.runId } : {}) });
    const continuedAs = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (continuedAs) started.push({ workflowId, runId: continuedAs });
  }
  return started;
}
