import type { Plan, PlanTask } from '../plan/types.ts';
import { formatDuration, renderTable } from './format.ts';

/** A DAG as text: header lines, then its tasks in run order with what each waits for. */
export function renderPlanText(plan: Plan): string[] {
  const lines = [`DAG ${plan.dagId}${plan.description ? ` - ${plan.description}` : ''}`, `file: ${plan.file}`];
  if (plan.schedule) {
    const { source, cron, timezone, catchup, maxActiveRuns } = plan.schedule;
    const expanded = source === cron ? '' : ` (${cron})`;
    lines.push(`schedule: ${source}${expanded} in ${timezone}, catchup ${catchup ? 'on' : 'off'}, max active runs ${maxActiveRuns}`);
  } else {
    lines.push('schedule: none (manual runs only)');
  }
  if (plan.clearWindowMs > 0) lines.push(`clear window: ${formatDuration(plan.clearWindowMs)}`);
  lines.push('');
  const rows = plan.tasks.map((task, index) => [
    String(index + 1),
    task.id,
    describeKind(task),
    task.needs.length > 0 ? task.needs.join(', ') : '-',
    task.triggerRule,
    describeRetries(task),
    describeTimeouts(task),
  ]);
  lines.push(...renderTable(['#', 'TASK', 'KIND', 'NEEDS', 'TRIGGER', 'RETRIES', 'TIMEOUT'], rows));
  return lines;
}

function describeKind(task: PlanTask): string {
  if (task.kind === 'map' && task.mapOver) return `map over ${task.mapOver}`;
  return task.kind;
}

function describeRetries(task: PlanTask): string {
  const { retries, retryDelayMs, backoffCoefficient, maxRetryDelayMs } = task.options;
  if (task.kind === 'approval' || retries === 0) return '0';
  const cap = maxRetryDelayMs === undefined ? '' : `, max ${formatDuration(maxRetryDelayMs)}`;
  return `${retries} (every ${formatDuration(retryDelayMs)} x${backoffCoefficient}${cap})`;
}

function describeTimeouts(task: PlanTask): string {
  if (task.kind === 'approval') return task.approvalTimeoutMs === undefined ? '-' : `waits ${formatDuration(task.approvalTimeoutMs)}`;
  const heartbeat = task.options.heartbeatTimeoutMs === undefined ? '' : `, heartbeat ${formatDuration(task.options.heartbeatTimeoutMs)}`;
  return `${formatDuration(task.options.timeoutMs)}${heartbeat}`;
}

/**
 * A Mermaid flowchart. Node ids are positional (t0, t1...) because task ids such as `end`
 * or `a-b` would break Mermaid's parser; the label carries the real id.
 */
export function renderMermaid(plan: Plan): string[] {
  const nodeIds = new Map(plan.tasks.map((task, index) => [task.id, `t${index}`]));
  const lines = ['graph TD'];
  for (const task of plan.tasks) lines.push(`  ${mermaidNode(nodeIds.get(task.id) ?? task.id, task)}`);
  for (const task of plan.tasks) {
    for (const upstream of task.needs) lines.push(`  ${nodeIds.get(upstream) ?? upstream} --> ${nodeIds.get(task.id) ?? task.id}`);
  }
  return lines;
}

function mermaidNode(nodeId: string, task: PlanTask): string {
  const rule = task.triggerRule === 'all_success' ? '' : ` (${task.triggerRule})`;
  const label = `"${task.id}${rule}"`;
  switch (task.kind) {
    case 'branch':
      return `${nodeId}{${label}}`;
    case 'map':
      return `${nodeId}[[${label}]]`;
    case 'approval':
      return `${nodeId}{{${label}}}`;
    default:
      return `${nodeId}[${label}]`;
  }
}
