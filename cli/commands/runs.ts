import { InvalidArgumentError, type Command } from 'commander';
import { findReruns, findRunLinks, rerunClosedRun, type RerunStart } from '../../control/rerun.ts';
import { readRunRecord, withReruns, type RunRecord } from '../../control/run-history.ts';
import { ENCRYPTED_NOTICE, unreadableError, unreadableNotice } from '../../control/unreadable-payloads.ts';
import { cancelRun, clearTask, getRunOutputs, getRunSnapshot, listRuns } from '../../control/runs.ts';
import { parseDuration, type Duration } from '../../plan/duration.ts';
import type { RunStatus } from '../../plan/types.ts';
import { formatDuration, formatTime, printJson, renderTable } from '../format.ts';
import type { ContextFor } from '../program.ts';
import { renderRunRecord, runRecordToJson } from '../run-audit-view.ts';
import { renderOutputs, renderRunHeader, renderTaskTable, runToJson } from '../run-view.ts';

const LISTED_STATUSES: readonly RunStatus[] = ['running', 'success', 'failed', 'cancelled'];

function parseStatus(text: string): RunStatus {
  if (!LISTED_STATUSES.includes(text as RunStatus)) throw new InvalidArgumentError(`"${text}" is not a run status (${LISTED_STATUSES.join(', ')})`);
  return text as RunStatus;
}

/** `--since 2026-11-01`, `--since 2026-11-01T12:00Z` or `--since 6h` (that long ago). */
export function parseSince(text: string, now = new Date()): Date {
  const ago = /^\d/.test(text) && !text.includes('-') ? parseDuration(text as Duration) : null;
  if (ago !== null) return new Date(now.getTime() - ago);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`"${text}" is neither a date (2026-11-01, 2026-11-01T12:00Z) nor a duration (6h, 7d)`);
  return date;
}

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidArgumentError(`"${text}" is not a whole number >= 1`);
  return limit;
}

export function registerRunsCommands(program: Command, contextFor: ContextFor): void {
  const runs = program.command('runs').description('list, inspect, cancel and clear runs');

  runs
    .command('list')
    .description('recent runs, newest first')
    .option('--dag <id>', 'only runs of this DAG')
    .option('--status <status>', `only runs in this state (${LISTED_STATUSES.join(', ')})`, parseStatus)
    .option('--since <when>', 'only runs started since a date (2026-11-01) or that long ago (6h, 7d)', (text: string) => parseSince(text))
    .option('--limit <n>', 'at most this many runs', parseLimit, 50)
    .option('--json', 'print JSON: [{ runId, dagId, runType, status, logicalDate, startedAt, endedAt, durationMs, encrypted? }]')
    .action(async (options: { dag?: string; status?: RunStatus; since?: Date; limit: number; json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const found = await listRuns(await context.client(), {
        ...(options.dag ? { dagId: options.dag } : {}),
        ...(options.status ? { status: options.status } : {}),
        ...(options.since ? { since: options.since } : {}),
        limit: options.limit,
        // For runs whose listing lacks it (started from the Temporal UI or by an older Weir), the
        // run records in Postgres; without a database the column shows '-'.
        logicalDates: async (runIds) => (await import('../../db/run-records.ts')).findLogicalDates(await context.database(), runIds),
      });
      if (options.json) return printJson(context.io.out, found);
      if (found.length === 0) return context.io.out(options.dag ? `no runs of DAG ${options.dag}` : 'no runs');
      const rows = found.map((run) => [
        run.runId,
        run.dagId,
        run.runType ?? '-',
        run.status,
        formatTime(run.logicalDate),
        formatTime(run.startedAt),
        run.durationMs === null ? '-' : formatDuration(Math.round(run.durationMs / 100) * 100),
      ]);
      for (const line of renderTable(['RUN ID', 'DAG', 'TYPE', 'STATUS', 'LOGICAL DATE', 'STARTED', 'DURATION'], rows)) context.io.out(line);
      const sealed = found.filter((run) => run.encrypted !== undefined);
      for (const notice of new Set(sealed.map((run) => run.encrypted))) context.io.err(`${sealed.filter((run) => run.encrypted === notice).length} of ${found.length} runs ${notice}`);
    });

  runs
    .command('show')
    .description('one run with the state of each task, and why it failed')
    .argument('<runId>', 'run id (the workflow id)')
    .option('--outputs', "add each task's output")
    .option('--json', 'print JSON: { runId, dagId, status, failure?, encrypted?, tasks: [{ id, state, attempts, startedAt, endedAt, error, reason?, output? }], rerunOf?, reruns, triggeredBy, executions, actions: [{ at, action, actor, channel?, taskId?, detail?, refused? }] }')
    .action(async (runId: string, options: { json?: boolean; outputs?: boolean }, command: Command) => {
      const context = contextFor(command);
      const client = await context.client();
      let snapshot = await getRunSnapshot(client, runId);
      // Without the payload key, the run records in Postgres still say how each task went.
      if (snapshot.encrypted) snapshot = await (await import('../../control/sealed-run-records.ts')).sealedRunFromDatabase(snapshot, () => context.database());
      const [outputs, reruns, record] = await Promise.all([
        options.outputs ? getRunOutputs(client, runId).catch(() => ({})) : undefined,
        findReruns(client, runId).catch((): RerunStart[] => []),
        // The audit is read from the run's histories; a failure there must not hide the run's state.
        readRunRecord(client, runId).then(
          (found): RunRecord | Error => found,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
      ]);
      const rerunOf = record instanceof Error ? (await findRunLinks(client, runId).catch(() => undefined))?.rerunOf : record.rerunOf?.runId;
      const links = { ...(rerunOf ? { rerunOf } : {}), reruns: reruns.map((rerun) => rerun.runId) };
      const audit = record instanceof Error ? null : withReruns(record, reruns);
      const auditProblem = record instanceof Error ? whyUnreadable(record) : '';
      if (options.json) return printJson(context.io.out, { ...runToJson(snapshot, outputs), ...links, ...(audit ? runRecordToJson(audit) : { actionsUnavailable: auditProblem }) });
      const linkLines = [...(links.rerunOf ? [`rerun of ${links.rerunOf}`] : []), ...links.reruns.map((id) => `rerun as ${id}`)];
      const auditLines = audit ? renderRunRecord(audit) : [`actions: cannot be read (${auditProblem})`];
      const lines = [...renderRunHeader(snapshot), ...linkLines, '', ...renderTaskTable(snapshot.tasks), '', ...auditLines];
      if (outputs) lines.push('', 'outputs:', ...renderOutputs(snapshot.tasks, outputs));
      for (const line of lines) context.io.out(line);
    });

  runs
    .command('cancel')
    .description('cancel a run; running tasks are asked to stop')
    .argument('<runId>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const context = contextFor(command);
      // The client's identity names the actor: the run's history records who cancelled it.
      const outcome = await cancelRun(await context.client(), runId);
      context.io.out(outcome === 'cancelled' ? `run ${runId} cancelled` : `run ${runId} did not act on the cancellation and was terminated`);
    });

  runs
    .command('clear')
    .description('rerun a task and everything downstream of it: in the same run while it is open, else in a new run of the same DAG, params and logical date')
    .argument('<runId>', 'run id')
    .argument('<taskId>', 'task to rerun')
    .action(async (runId: string, taskId: string, _options: unknown, command: Command) => {
      const context = contextFor(command);
      const client = await context.client();
      const snapshot = await getRunSnapshot(client, runId);
      // Read as a listing does, so a run whose memo this process cannot decrypt is still described.
      const { markingUnreadablePayloads } = await import('../../control/encrypted-memo.ts');
      const open = (await markingUnreadablePayloads(client).workflow.getHandle(runId).describe()).status.name === 'RUNNING';
      if (open) {
        const cleared = await clearTask(client, runId, taskId);
        if (!cleared) return context.io.out(`cleared ${taskId} and its downstream in run ${runId} as ${context.actor}; they run again now (which tasks: the answer is ${ENCRYPTED_NOTICE})`);
        return context.io.out(`cleared ${cleared.join(', ')} in run ${runId} as ${context.actor}; they run again now`);
      }
      const rerun = await rerunClosedRun(client, snapshot, taskId, context.taskQueue, { actor: context.actor, webUrl: context.webUrl });
      context.io.out(`run ${runId} has closed; started run ${rerun.runId}: ${taskId} and its downstream run again on the current DAG file, the other tasks keep their recorded outputs`);
    });
}

/** One line on why a run's history could not be read; an encrypted one names the key variable, never the payload. */
function whyUnreadable(error: Error): string {
  const unreadable = unreadableError(error);
  return unreadable ? unreadableNotice(unreadable) : (error.message.split('\n')[0] ?? '');
}
