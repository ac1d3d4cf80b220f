import type { RunInfo } from '../../plan/types.ts';
import { runUrl } from '../runtime.ts';
import type { RunEventLike, WeirEvent } from './events.ts';
import { formatPercent, metricTable, truncate } from './format.ts';
import { redactUrlPasswords } from './redact.ts';
import { renderEmail, type Block, type EmailContent } from './render.ts';

/** Where links in messages point: the Temporal Web UI that shows the run. */
export interface MessageLinks {
  temporalUiUrl: string;
  namespace: string;
}

type EventOf<T extends WeirEvent['type']> = Extract<WeirEvent, { type: T }>;

const MAX_ERROR_CHARS = 4000;

/**
 * The email for any event: a subject, plain text and simple HTML. Pure: same event, same email.
 *
 * @example
 * const { subject, text, html } = eventEmail(event, { temporalUiUrl: 'http://localhost:8233', namespace: 'default' });
 */
export function eventEmail(event: WeirEvent, links: MessageLinks): EmailContent {
  switch (event.type) {
    case 'failure':
      return failureEmail(event, links);
    case 'success':
      return successEmail(event, links);
    case 'drift':
      return driftEmail(event, links);
    case 'promotion':
      return promotionEmail(event, links);
    case 'rejection':
      return rejectionEmail(event, links);
  }
}

/** A task or a run failed: names the DAG, the run, the task and the error, and links to the run. */
export function failureEmail(event: EventOf<'failure'>, links: MessageLinks): EmailContent {
  const { run, taskId, details } = event;
  const failedTasks = details.failedTasks ?? [];
  const thisTask = failedTasks.find((task) => task.id === taskId);
  const error = details.error ?? thisTask?.error ?? failedTasks[0]?.error ?? 'no error message was recorded';
  const attempts = details.attempts ?? thisTask?.attempts;
  const subject = taskId ? `[weir] FAILED ${run.dagId}.${taskId} (run ${run.runId})` : `[weir] FAILED run ${run.runId} of ${run.dagId}`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: taskId ? `Task ${taskId} failed in run ${run.runId} of DAG ${run.dagId}.` : `Run ${run.runId} of DAG ${run.dagId} failed.` },
    runFields(run, taskId, attempts === undefined ? [] : [['Attempts', String(attempts)]]),
    { kind: 'heading', text: 'Error' },
    // Task errors often quote connection strings; their passwords must not reach an inbox.
    { kind: 'preformatted', text: truncate(redactUrlPasswords(error), MAX_ERROR_CHARS) },
  ];
  // With several failures the reader needs all of them, not just the first.
  if (failedTasks.length > 1) {
    blocks.push({ kind: 'heading', text: 'Failed tasks' });
    blocks.push({ kind: 'list', items: failedTasks.map((task) => `${task.id}${task.attempts ? ` (${task.attempts} attempts)` : ''}: ${firstLine(redactUrlPasswords(task.error ?? 'no error message'))}`) });
  }
  blocks.push(runLink(run, links));
  return renderEmail(subject, blocks);
}

export function successEmail(event: EventOf<'success'>, links: MessageLinks): EmailContent {
  const { run, details } = event;
  return renderEmail(`[weir] Run ${run.runId} of ${run.dagId} succeeded`, [
    { kind: 'paragraph', text: `Run ${run.runId} of DAG ${run.dagId} succeeded${details.tasks === undefined ? '' : ` (${details.tasks} tasks)`}.` },
    runFields(run, undefined),
    runLink(run, links),
  ]);
}

/** Drift found: which columns, what share, and a link to the HTML report. */
export function driftEmail(event: EventOf<'drift'>, links: MessageLinks): EmailContent {
  const { run, taskId, details } = event;
  const count = details.driftedColumns.length;
  const ofTotal = details.columnsChecked === undefined ? '' : ` of ${details.columnsChecked}`;
  const threshold = details.threshold === undefined ? '' : `, threshold ${formatPercent(details.threshold)}`;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Drift detected in run ${run.runId} of DAG ${run.dagId}: ${count}${ofTotal} column${count === 1 ? '' : 's'} drifted (${formatPercent(details.share)}${threshold}).`,
    },
    runFields(run, taskId),
    { kind: 'heading', text: 'Drifted columns' },
    { kind: 'list', items: count > 0 ? details.driftedColumns : ['(none listed)'] },
  ];
  if (details.reportUri) blocks.push({ kind: 'link', label: 'Drift report (HTML)', url: details.reportUri });
  blocks.push(runLink(run, links));
  return renderEmail(`[weir] Drift detected in ${run.dagId}: ${count} column${count === 1 ? '' : 's'} (${formatPercent(details.share)})`, blocks);
}

/** A challenger became the production model: which one, how it compared, and why. */
export function promotionEmail(event: EventOf<'promotion'>, links: MessageLinks): EmailContent {
  const { run, taskId, details } = event;
  const replaced = details.previousVersion === undefined ? '. It is the first production version.' : `, replacing version ${details.previousVersion}.`;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Model ${details.model} version ${details.version} is now in production${replaced}` },
    runFields(run, taskId),
    ...comparisonBlocks(details.metrics),
    { kind: 'heading', text: 'Reasons' },
    { kind: 'list', items: details.reasons.length > 0 ? details.reasons : ['(none given)'] },
    runLink(run, links),
  ];
  return renderEmail(`[weir] Promoted ${details.model} v${details.version} to production (${run.dagId})`, blocks);
}

/** A challenger failed the gate: the gate's reasons first, since they say what to fix. */
export function rejectionEmail(event: EventOf<'rejection'>, links: MessageLinks): EmailContent {
  const { run, taskId, details } = event;
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Model ${details.model} version ${details.version} did not pass the promotion gate. Production is unchanged.` },
    runFields(run, taskId),
    { kind: 'heading', text: 'Gate reasons' },
    { kind: 'list', items: details.reasons.length > 0 ? details.reasons : ['(none given)'] },
    ...comparisonBlocks(details.metrics),
    runLink(run, links),
  ];
  return renderEmail(`[weir] Rejected ${details.model} v${details.version}: production unchanged (${run.dagId})`, blocks);
}

/**
 * For an event whose details could not be read: still tell someone, with the raw details,
 * because a lost failure alert is worse than an ugly one.
 */
export function unreadableEventEmail(event: RunEventLike, problem: string, links: MessageLinks): EmailContent {
  const { run, taskId } = event;
  return renderEmail(`[weir] ${event.type} event in ${run.dagId} (run ${run.runId})`, [
    { kind: 'paragraph', text: `Run ${run.runId} of DAG ${run.dagId} reported a "${event.type}" event, but its details could not be read: ${problem}` },
    runFields(run, taskId),
    { kind: 'heading', text: 'Details as sent' },
    { kind: 'preformatted', text: truncate(redactUrlPasswords(JSON.stringify(event.details, null, 2) ?? 'null'), MAX_ERROR_CHARS) },
    runLink(run, links),
  ]);
}

function runFields(run: RunInfo, taskId: string | undefined, extra: ReadonlyArray<readonly [string, string]> = []): Block {
  return {
    kind: 'fields',
    rows: [
      ['DAG', run.dagId],
      ['Run', run.runId],
      ...(taskId ? ([['Task', taskId]] as const) : []),
      ['Run type', run.runType],
      ['Logical date', run.logicalDate],
      ['Data interval', `${run.dataIntervalStart} → ${run.dataIntervalEnd}`],
      ...extra,
    ],
  };
}

function runLink(run: RunInfo, links: MessageLinks): Block {
  return { kind: 'link', label: 'Open the run in the Temporal UI', url: runUrl(links, run.runId) };
}

function comparisonBlocks(metrics: EventOf<'promotion'>['details']['metrics']): Block[] {
  if (metrics.length === 0) return [];
  return [{ kind: 'heading', text: 'Champion vs challenger' }, metricTable(metrics)];
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
