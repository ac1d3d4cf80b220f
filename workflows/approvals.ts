import type { ApprovalDecision, ApprovalResult, PlanTask } from '../plan/types.ts';
import { formatDuration } from '../plan/duration.ts';

type Decision = ApprovalDecision & { decidedAt: string };
type Condition = (fn: () => boolean, timeoutMs: number) => Promise<boolean>;

export type ApprovalOutcome = { approved: true; result: ApprovalResult } | { approved: false; error: string };

/** Waits durably for a person's decision; no worker slot is held while waiting. */
export async function runApproval(task: PlanTask, decision: () => Decision | undefined, waitFor: Condition, remainingMs?: number): Promise<ApprovalOutcome> {
  const timeoutMs = task.approvalTimeoutMs ?? 0;
  // A run that continued as new waits only for what is left of the approval's time.
  const arrived = await waitFor(() => decision() !== undefined, remainingMs === undefined ? timeoutMs : Math.max(1, remainingMs));
  const made = decision();
  if (!arrived || !made) return { approved: false, error: `no decision within ${formatDuration(timeoutMs)}; approval timed out` };
  const result: ApprovalResult = { approved: made.approved, comment: made.comment ?? null, actor: made.actor ?? null, decidedAt: made.decidedAt };
  if (!made.approved) return { approved: false, error: `rejected by ${made.actor ?? 'someone'}${made.comment ? `: ${made.comment}` : ''}` };
  return { approved: true, result };
}
