import { actionText, actorText, triggerText } from '../control/run-audit-text.ts';
import type { RunRecord } from '../control/run-history.ts';
import { formatTime, renderTable } from './format.ts';

/** What `runs show --json` adds for the audit: who triggered the run and every action on it. */
export function runRecordToJson(record: RunRecord) {
  return {
    triggeredBy: record.triggeredBy,
    ...(record.rerunOf?.taskId ? { rerunOfTask: record.rerunOf.taskId } : {}),
    executions: record.executions,
    actions: record.actions,
  };
}

/** The lines `runs show` prints after the task table: who triggered the run, then the action log. */
export function renderRunRecord(record: RunRecord): string[] {
  const lines = [triggerText(record.triggeredBy, record.rerunOf)];
  if (record.actions.length === 0) return [...lines, 'actions: none'];
  const span = record.executions > 1 ? ` (across all ${record.executions} executions of the run)` : '';
  lines.push(`actions${span}:`);
  lines.push(...renderTable(['WHEN', 'WHO', 'WHAT'], record.actions.map((action) => [formatTime(action.at), actorText(action.actor, action.channel), actionText(action)])));
  return lines;
}
