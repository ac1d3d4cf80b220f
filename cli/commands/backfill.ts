import type { Command } from 'commander';
import { backfill } from '../../control/backfill.ts';
import { printJson } from '../format.ts';
import { parseIsoDate } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';

export function registerBackfillCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('backfill')
    .description('one run per schedule tick in [from, to]; running it again starts nothing new')
    .argument('<dag>', 'DAG id (it needs a schedule)')
    .requiredOption('--from <iso>', 'first logical date, e.g. 2026-01-01', parseIsoDate)
    .requiredOption('--to <iso>', 'last logical date, inclusive', parseIsoDate)
    .option('--json', 'print JSON')
    .action(async (dagId: string, options: { from: Date; to: Date; json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const { plan } = await context.requireDag(dagId);
      const result = await backfill(await context.client(), plan, { from: options.from, to: options.to }, context.taskQueue);
      if (options.json) return printJson(context.io.out, result);
      context.io.out(`started ${result.started.length} run(s)`);
      for (const runId of result.started) context.io.out(`  ${runId}`);
      if (result.alreadyExisting.length > 0) {
        context.io.out(`${result.alreadyExisting.length} run(s) already existed and were left as they are`);
        for (const runId of result.alreadyExisting) context.io.out(`  ${runId}`);
      }
    });
}
