import type { Command } from 'commander';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { parseWeirEnv } from '../../worker/config/index.ts';
import type { CliIo } from '../io.ts';
import type { DevStack } from '../dev-stack.ts';
import { CliError } from '../errors.ts';
import type { ContextFor } from '../program.ts';
import { createProgressReporter } from '../run-progress.ts';
import { waitForShutdownSignal } from '../signals.ts';
import { printStackSummary, serveUntilShutdown, startDevStackWithWebView, withDevPortOptions, type DevPortOptions } from './dev.ts';
import { RunUnsuccessfulError } from './trigger.ts';

/** The example DAG `npm start` runs once, from dags/weekly_retrain.ts, on its first week. */
export const EXAMPLE_DAG_ID = 'weekly_retrain';
export const EXAMPLE_PARAMS = { batchEnd: '2015-03-29' };
const NEXT_WEEK = '2015-04-05';

export function registerStartCommand(program: Command, contextFor: ContextFor): void {
  withDevPortOptions(
    program
      .command('start')
      .description(`what \`npm start\` runs: the dev stack, plus one run of ${EXAMPLE_DAG_ID} to watch (WEIR_START_EXIT_AFTER_RUN=1 exits after it)`),
  ).action(async (options: DevPortOptions, command: Command) => {
    const context = contextFor(command);
    const { io } = context;
    const shutdownRequested = waitForShutdownSignal();
    const stack = await startDevStackWithWebView(io, options, { dagsDir: context.dagsDir, port: options.port, uiPort: options.uiPort, taskQueue: context.taskQueue, log: io.out });
    printStackSummary(io, stack);

    let final: RunSnapshot | undefined;
    try {
      const outcome = await Promise.race([runExample(io, stack, context.actor).then((snapshot) => ({ snapshot })), shutdownRequested.then(() => null)]);
      final = outcome?.snapshot;
    } catch (error) {
      await stack.stop();
      throw error;
    }
    const exitAfterRun = parseWeirEnv(io.env).WEIR_START_EXIT_AFTER_RUN === true;
    if (final && !exitAfterRun) {
      io.out('The dev stack keeps running: try `npx weir dags list` in another terminal. Press Ctrl-C to stop.');
      await serveUntilShutdown(io, stack, shutdownRequested);
    } else {
      await stack.stop();
    }
    // When serving on, the run's outcome was shown already; Ctrl-C is a normal way to end.
    if (exitAfterRun && final && final.status !== 'success') throw new RunUnsuccessfulError(final);
  });
}

async function runExample(io: CliIo, stack: DevStack & { webUrl: string | null }, actor: string): Promise<RunSnapshot> {
  if (!stack.catalog.dags.has(EXAMPLE_DAG_ID)) {
    throw new CliError(`the example DAG ${EXAMPLE_DAG_ID} is not in the DAGs folder; run from the weir repository or pass --dags`);
  }
  const runId = await triggerRun(stack.client, { dagId: EXAMPLE_DAG_ID, params: EXAMPLE_PARAMS, taskQueue: stack.taskQueue, webUrl: stack.webUrl ?? undefined, triggeredBy: actor });
  io.out(`started run ${runId} of ${EXAMPLE_DAG_ID}`);
  const reporter = createProgressReporter(io);
  const final = await waitForRun(stack.client, runId, (snapshot) => reporter.update(snapshot));
  io.out(`run ${runId}: ${final.status}`);
  if (stack.webUrl) io.out(`Weir UI:     ${stack.webUrl}/runs/${encodeURIComponent(runId)}`);
  io.out(`Temporal UI: ${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(runId)}`);
  io.out(`Next week's batch faces the new champion: npx weir trigger ${EXAMPLE_DAG_ID} --param batchEnd=${NEXT_WEEK} --wait`);
  return final;
}
