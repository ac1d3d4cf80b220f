import type { Command } from 'commander';
import type { RunSnapshot } from '../../plan/types.ts';
import { validateParams } from '../../sdk/params.ts';
import { dagTestToJson, renderDagTestTable } from '../dag-test-view.ts';
import { CliError } from '../errors.ts';
import { printJson } from '../format.ts';
import { collectParamPair, mergeParams, parseIsoDate, parseParamsJson } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { ChangeLineReporter } from '../run-progress.ts';
import { optionalDatabaseUrl } from '../optional-database.ts';

interface DagsTestOptions {
  param: [string, unknown][];
  paramsJson?: Record<string, unknown>;
  logicalDate?: Date;
  retries: boolean;
  json?: boolean;
}

export class DagTestFailedError extends CliError {
  constructor(readonly snapshot: Pick<RunSnapshot, 'dagId' | 'status' | 'tasks'>) {
    const failed = snapshot.tasks.filter((task) => task.state === 'failed');
    const detail = failed.map((task) => `${task.id}: ${task.error ?? 'failed'}`).join('; ');
    super(`test run of DAG ${snapshot.dagId} ${snapshot.status}${detail ? ` (${detail})` : ''}`);
    this.name = 'DagTestFailedError';
  }
}

/** Adds `weir dags test` to the `dags` command group. */
export function registerDagsTestCommand(program: Command, contextFor: ContextFor): void {
  const dags = program.commands.find((command) => command.name() === 'dags') ?? program.command('dags');
  dags
    .command('test')
    .description('run a DAG once in this process, on a throwaway Temporal server; exit 0 only if it succeeds')
    .argument('<dag>', 'DAG id')
    .option('--param <key=value>', 'one param; the value is read as JSON if it parses, else as a string (repeatable)', collectParamPair, [])
    .option('--params-json <json>', 'params as a JSON object; --param values override it', parseParamsJson)
    .option('--logical-date <iso>', 'logical date of the run (default: now)', parseIsoDate)
    .option('--no-retries', 'run every task once, whatever its retries')
    .option('--json', 'print the result as JSON')
    .action(async (dagId: string, options: DagsTestOptions, command: Command) => {
      const context = contextFor(command);
      // The worker and its test server load only when this subcommand runs, not for `dags validate`.
      const [{ testDag }, { installTestRunLogger }] = await Promise.all([import('../../testing/test-dag.ts'), import('../../testing/worker-log.ts')]);
      installTestRunLogger((line) => context.io.err(line));
      const loaded = await context.importDag(dagId);
      const params = mergeParams(options.paramsJson, options.param);
      // Bad params fail before anything is printed or started.
      validateParams(loaded.dag, params);
      const progress = options.json ? null : new ChangeLineReporter(context.io);
      const databaseUrl = optionalDatabaseUrl(context);
      if (!options.json) context.io.out(databaseUrl ? 'Postgres: DATABASE_URL' : 'Postgres: none (tasks that query the database will fail; set DATABASE_URL to give them one)');
      const stopOnSignal = exitOnSignal();
      const result = await testDag(loaded, {
        params,
        retries: options.retries,
        ...(options.logicalDate ? { logicalDate: options.logicalDate } : {}),
        ...(databaseUrl ? { databaseUrl } : {}),
        onStatus: (line) => progress && context.io.out(line),
        onProgress: (snapshot) => progress?.update(snapshot),
      }).finally(stopOnSignal);
      if (options.json) printJson(context.io.out, dagTestToJson(result));
      else for (const line of ['', ...renderDagTestTable(result)]) context.io.out(line);
      if (result.status !== 'success') throw new DagTestFailedError(result.snapshot);
      if (!options.json) context.io.out(`test run of DAG ${dagId} succeeded`);
    });
}

/**
 * Ctrl-C or SIGTERM ends the test run at once. Exiting (rather than dying of the signal) runs
 * the exit hook that stops the throwaway Temporal server, so none is left behind.
 */
function exitOnSignal(): () => void {
  const exit = () => process.exit(130);
  process.once('SIGINT', exit);
  process.once('SIGTERM', exit);
  return () => {
    process.removeListener('SIGINT', exit);
    process.removeListener('SIGTERM', exit);
  };
}
