import { InvalidArgumentError, type Command } from 'commander';
import { cancelRun, clearTask, getRunSnapshot, listRuns } from '../../control/runs.ts';
import { formatTime, printJson, renderTable } from '../format.ts';
import type { ContextFor } from '../program.ts';
import { renderRunHeader, renderTaskTable, runToJson } from '../run-view.ts';

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
    .option('--limit <n>', 'at most this many runs', parseLimit, 50)
    .option('--json', 'print JSON')
    .action(async (options: { dag?: string; limit: number; json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const found = await listRuns(await context.client(), { ...(options.dag ? { dagId: options.dag } : {}), limit: options.limit });
      if (options.json) return printJson(context.io.out, found);
      if (found.length === 0) return context.io.out(options.dag ? `no runs of DAG ${options.dag}` : 'no runs');
      const rows = found.map((run) => [run.runId, run.dagId, run.runType ?? '-', run.status, formatTime(run.startedAt), formatTime(run.endedAt)]);
      for (const line of renderTable(['RUN ID', 'DAG', 'TYPE', 'STATUS', 'STARTED', 'ENDED'], rows)) context.io.out(line);
    });

  runs
    .command('show')
    .description('one run with the state of each task')
    .argument('<runId>', 'run id (the workflow id)')
    .option('--json', 'print JSON: { runId, dagId, status, tasks: [{ id, state, attempts, startedAt, endedAt, error }] }')
    .action(async (runId: string, options: { json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const snapshot = await getRunSnapshot(await context.client(), runId);
      if (options.json) return printJson(context.io.out, runToJson(snapshot));
      for (const line of [...renderRunHeader(snapshot), '', ...renderTaskTable(snapshot.tasks)]) context.io.out(line);
    });

  runs
    .command('cancel')
    .description('cancel a run; running tasks are asked to stop')
    .argument('<runId>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const context = contextFor(command);
      const outcome = await cancelRun(await context.client(), runId);
      context.io.out(outcome === 'cancelled' ? `run ${runId} cancelled` : `run ${runId} did not act on the cancellation and was terminated`);
    });

  runs
    .command('clear')
    .description('rerun a task and everything downstream of it, in the same run')
    .argument('<runId>', 'run id')
    .argument('<taskId>', 'task to rerun')
    .action(async (runId: string, taskId: string, _options: unknown, command: Command) => {
      const context = contextFor(command);
      const cleared = await clearTask(await context.client(), runId, taskId);
      context.io.out(`cleared ${cleared.join(', ')} in run ${runId}; they run again now`);
    });
}
