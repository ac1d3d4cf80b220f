import path from 'node:path';
import type { Command } from 'commander';
import type { ScheduleStatus } from '../../control/schedules.ts';
import { formatProblem } from '../../sdk/errors.ts';
import { dagCacheDir, loadDagPlanFiles, loadDagPlans, type DagPlanCatalog } from '../../sdk/load.ts';
import type { CliContext } from '../context.ts';
import { renderMermaid, renderPlanText } from '../dag-graph.ts';
import { CliError, describeError } from '../errors.ts';
import { formatTime, printJson, renderTable } from '../format.ts';
import type { ContextFor } from '../program.ts';

// Each subcommand imports what only it needs (the Temporal client for `list`, TypeScript for the
// typecheck), so a warm `weir dags validate` stays a few file reads.

export function registerDagsCommands(program: Command, contextFor: ContextFor): void {
  const dags = program.command('dags').description('list, show, validate and test DAG files');

  dags
    .command('list')
    .description('every DAG with its schedule, next run and paused state')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const catalog = await context.catalog();
      if (catalog.problems.length > 0) context.io.err(`weir: ${catalog.problems.length} problem(s) in DAG files; see \`weir dags validate\``);
      const [statuses, { describeDag, pausedColumn }] = await Promise.all([scheduleStatusesIfReachable(context), import('../dag-listing.ts')]);
      const listings = [...catalog.dags.values()].sort((a, b) => a.plan.dagId.localeCompare(b.plan.dagId)).map((loaded) => describeDag(loaded, statuses, new Date()));
      if (options.json) return printJson(context.io.out, listings);
      const rows = listings.map((d) => [d.id, d.schedule ?? '-', d.timezone ?? '-', formatTime(d.nextRun), pausedColumn(d), d.file]);
      for (const line of renderTable(['DAG', 'SCHEDULE', 'TIMEZONE', 'NEXT RUN', 'PAUSED', 'FILE'], rows)) context.io.out(line);
    });

  dags
    .command('show')
    .description('the graph of one DAG, as text and as a Mermaid diagram')
    .argument('<dag>', 'DAG id')
    .action(async (dagId: string, _options: unknown, command: Command) => {
      const context = contextFor(command);
      const { plan } = await context.requireDag(dagId);
      for (const line of renderPlanText(plan)) context.io.out(line);
      context.io.out('');
      context.io.out('```mermaid');
      for (const line of renderMermaid(plan)) context.io.out(line);
      context.io.out('```');
    });

  dags
    .command('validate')
    .description('load DAG files and report every problem; exits 1 if there is one')
    .argument('[files...]', 'DAG files to check (default: every file in the DAGs folder)')
    .option('--no-typecheck', "skip typechecking the DAG files with the project's TypeScript")
    .option('--no-cache', 'run every DAG file again, even those unchanged since the last load')
    .action(async (files: string[], options: { typecheck: boolean; cache: boolean }, command: Command) => {
      const context = contextFor(command);
      const explicit = files.map((file) => path.resolve(context.io.cwd, file));
      const catalog: DagPlanCatalog =
        explicit.length > 0
          ? await loadDagPlanFiles(explicit, context.io.cwd, { cache: options.cache, limits: context.dagLoadLimits })
          : options.cache
            ? await context.catalog()
            : await loadDagPlans(context.dagsDir, { cache: false, limits: context.dagLoadLimits });
      const problems = [...catalog.problems];
      if (options.typecheck && catalog.files.length > 0) {
        const { typecheckDagFiles, typecheckDagFilesCached } = await import('../../sdk/typecheck.ts');
        // The TypeScript of the project that holds the files, which may not be the working folder's.
        const typecheckRoot = explicit.length > 0 ? path.dirname(explicit[0] as string) : context.dagsDir;
        const checked = options.cache
          ? await typecheckDagFilesCached(catalog.files, typecheckRoot, dagCacheDir(typecheckRoot))
          : typecheckDagFiles(catalog.files, typecheckRoot);
        if (checked.skipped) context.io.out(`note: typecheck skipped: ${checked.skipped}`);
        problems.push(...checked.problems);
      }
      for (const problem of problems) context.io.out(formatProblem(problem));
      context.io.out(`${catalog.dags.size} DAG(s) OK`);
      if (problems.length > 0) throw new CliError(`${problems.length} problem(s) in DAG files`);
    });
}

/** Paused flags come from Temporal; without it the listing still works, with them unknown. */
async function scheduleStatusesIfReachable(context: CliContext): Promise<Map<string, ScheduleStatus> | null> {
  try {
    const { scheduleStatuses } = await import('../../control/schedules.ts');
    return await scheduleStatuses(await context.client(), context.taskQueue);
  } catch (error) {
    context.io.err(`weir: note: paused state unknown: ${describeError(error) ?? 'Temporal unreachable'}`);
    return null;
  }
}
