import type { Command } from 'commander';
import { scheduleIdFor, setPaused, syncSchedules } from '../../control/schedules.ts';
import { CliError } from '../errors.ts';
import { printJson } from '../format.ts';
import type { ContextFor } from '../program.ts';

export function registerScheduleCommands(program: Command, contextFor: ContextFor): void {
  for (const paused of [true, false]) {
    const verb = paused ? 'pause' : 'unpause';
    program
      .command(verb)
      .description(paused ? "stop a DAG's schedule from starting runs" : "let a paused DAG's schedule start runs again")
      .argument('<dag>', 'DAG id')
      .action(async (dagId: string, _options: unknown, command: Command) => {
        const context = contextFor(command);
        await setPaused(await context.client(), dagId, paused, `${verb}d by ${context.actor} with weir ${verb}`, context.taskQueue);
        context.io.out(`${verb}d ${dagId} (schedule ${scheduleIdFor(dagId, context.taskQueue)})`);
      });
  }

  program
    .command('schedules')
    .description('Temporal Schedules of the DAGs')
    .command('sync')
    .description('create, update and delete Temporal Schedules to match the DAGs folder')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const catalog = await context.catalog();
      // A DAG that fails to load would look deleted, and its schedule with it.
      if (catalog.problems.length > 0) {
        throw new CliError(`${catalog.problems.length} problem(s) in DAG files; fix them first (see \`weir dags validate\`), since a DAG that fails to load would lose its schedule`);
      }
      const plans = [...catalog.dags.values()].map((loaded) => loaded.plan);
      const result = await syncSchedules(await context.client(), plans, context.taskQueue, { webUrl: context.webUrl, refreshLinks: true });
      if (options.json) return printJson(context.io.out, result);
      for (const key of ['created', 'updated', 'deleted', 'unchanged'] as const) {
        context.io.out(`${key}: ${result[key].length > 0 ? result[key].join(', ') : '-'}`);
      }
    });
}
