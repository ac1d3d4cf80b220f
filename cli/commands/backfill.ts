import { InvalidArgumentError, type Command } from 'commander';
import { BACKFILL_CONFIRM_LIMIT, backfill, type BackfillRun } from '../../control/backfill.ts';
import { parseIsoDate } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';

interface BackfillCliOptions {
  from: Date;
  to: { date: Date; wholeDay: boolean };
  maxRuns?: number;
  yes?: boolean;
  json?: boolean;
}

/** `--to 2026-01-31` means up to and including every tick of that day. */
function parseInclusiveEnd(text: string): { date: Date; wholeDay: boolean } {
  return { date: parseIsoDate(text), wholeDay: /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) };
}

function parseMaxRuns(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`"${text}" is not a whole number >= 1`);
  return value;
}

export function registerBackfillCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('backfill')
    .description("one run per schedule tick in [from, to], no more than the DAG's maxActiveRuns open together; running it again starts nothing new")
    .argument('<dag>', 'DAG id (it needs a schedule)')
    .requiredOption('--from <iso>', 'first logical date, e.g. 2026-01-01', parseIsoDate)
    .requiredOption('--to <iso>', 'last logical date, inclusive; a date alone includes that whole day', parseInclusiveEnd)
    .option('--max-runs <n>', 'start only the first n runs of the range', parseMaxRuns)
    .option('--yes', `start every run of the range, even above ${BACKFILL_CONFIRM_LIMIT}`)
    .option('--json', 'print one JSON object per run, then a summary')
    .action(async (dagId: string, options: BackfillCliOptions, command: Command) => {
      const context = contextFor(command);
      const { plan } = await context.requireDag(dagId);
      const onRun = (run: BackfillRun) => {
        if (options.json) context.io.out(JSON.stringify(run));
        else context.io.out(`  ${run.outcome === 'started' ? 'started' : 'exists '} ${run.runId}`);
      };
      const summary = await backfill(
        await context.client(),
        plan,
        { from: options.from, to: options.to.date, toWholeDay: options.to.wholeDay },
        { taskQueue: context.taskQueue, webUrl: context.webUrl, triggeredBy: context.actor, ...(options.maxRuns ? { maxRuns: options.maxRuns } : {}), confirmed: options.yes === true, onRun },
      );
      if (options.json) return context.io.out(JSON.stringify({ summary }));
      context.io.out(`started ${summary.started} run(s); ${summary.alreadyExisting} already existed and were left as they are`);
      if (summary.truncated) context.io.out(`stopped after --max-runs ${options.maxRuns}; the range goes on`);
    });
}
