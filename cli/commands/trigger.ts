import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { actorIdentity } from '../../control/run-actor.ts';
import { describeRunStart, type RunStart } from '../../control/run-start.ts';
import type { RunPickup } from '../../control/runs.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { validateParams } from '../../sdk/params.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { printJson } from '../format.ts';
import { collectParamPair, mergeParams, parseIsoDate, parseParamsJson } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { createProgressReporter } from '../run-progress.ts';
import { describeUnsuccessfulRun, runToJson } from '../run-view.ts';

interface TriggerOptions {
  param: [string, unknown][];
  paramsJson?: Record<string, unknown>;
  logicalDate?: Date;
  wait?: boolean;
  json?: boolean;
}

export class RunUnsuccessfulError extends CliError {
  constructor(
    readonly snapshot: RunSnapshot,
    /** Why the run itself failed, when no task did (e.g. no worker knows the DAG). */
    readonly runReason?: string,
  ) {
    super(runReason ? `${describeUnsuccessfulRun(snapshot).replace(/; see /, `: ${runReason}; see `)}` : describeUnsuccessfulRun(snapshot));
    this.name = 'RunUnsuccessfulError';
  }
}

export function registerTriggerCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('trigger')
    .description('start a run of a DAG and print its run id')
    .argument('<dag>', 'DAG id')
    .option('--param <key=value>', 'one param; the value is read as JSON if it parses, else as a string (repeatable)', collectParamPair, [])
    .option('--params-json <json>', 'params as a JSON object; --param values override it', parseParamsJson)
    .option('--logical-date <iso>', 'logical date of the run (default: now)', parseIsoDate)
    .option('--wait', 'follow the run until it ends; exit 0 only if it succeeded')
    .option('--json', 'print JSON')
    .action(async (dagId: string, options: TriggerOptions, command: Command) => {
      const context = contextFor(command);
      // The others stay plans (from the content cache when unchanged). A DAG without a params
      // schema takes any params object, so its module need not be imported for the check.
      const entry = await context.requireDag(dagId);
      const params = mergeParams(options.paramsJson, options.param);
      // Fails here, before a run is started, so a typo never starts one.
      if (entry.takesParams !== false) validateParams((await context.importDag(dagId)).dag, params);
      const { runId, lean } = await startRunQuickly(
        context,
        describeRunStart({ dagId, params, taskQueue: context.taskQueue, webUrl: context.webUrl, triggeredBy: context.actor, ...(options.logicalDate ? { logicalDate: options.logicalDate } : {}) }),
      );
      if (!options.wait) {
        // A run the workers cannot start (no such DAG on them, params they refuse) fails within a
        // moment: say so now rather than print an id that leads nowhere.
        const pickup = await awaitPickup(context, runId, lean);
        if (pickup.outcome === 'closed' && pickup.snapshot.status !== 'success') {
          throw new RunUnsuccessfulError(pickup.snapshot, pickup.snapshot.failure ?? (await runFailureWithoutTask(await context.client(), pickup.snapshot)));
        }
        if (pickup.outcome === 'unclaimed') context.io.err(`weir: note: no worker has taken run ${runId} yet on task queue "${context.taskQueue}"; is one running (weir dev, weir worker)?`);
        if (options.json) printJson(context.io.out, { runId });
        else context.io.out(runId);
        return;
      }
      const reporter = options.json ? null : createProgressReporter(context.io);
      if (!options.json) context.io.out(`started run ${runId}`);
      const onProgress = reporter ? (snapshot: RunSnapshot) => reporter.update(snapshot) : undefined;
      const final = await followRun(context, runId, lean, onProgress);
      if (options.json) printJson(context.io.out, runToJson(final));
      if (final.status !== 'success') throw new RunUnsuccessfulError(final, await runFailureWithoutTask(await context.client(), final));
      if (!options.json) context.io.out(`run ${runId} succeeded`);
    });
}

/**
 * Starts the run on the lean path (cli/lean-start/: one gRPC call on node:http2, a small
 * schema, no Temporal client) when the configuration allows it, else through the client. The
 * client's load is most of the time a CLI spends before a run starts; the request is the same.
 */
async function startRunQuickly(context: CliContext, start: RunStart): Promise<{ runId: string; lean: boolean }> {
  const settings = context.temporalSettings();
  const { leanStartFallbackReason, startRunLean } = await import('../lean-start/lean-start.ts');
  if (leanStartFallbackReason(settings, context.io.env) === null) {
    await startRunLean(settings, start, actorIdentity(context.actor, 'cli'));
    return { runId: start.workflowId, lean: true };
  }
  const [client, { startRun }] = await Promise.all([context.client(), import('../../control/runs.ts')]);
  return { runId: await startRun(client, start), lean: false };
}

/**
 * What became of the run within a few seconds. On the lean path only a closed run (which may
 * have failed) needs the Temporal client, to read why.
 */
async function awaitPickup(context: CliContext, runId: string, lean: boolean): Promise<RunPickup> {
  if (lean) {
    const { awaitRunPickupLean } = await import('../lean-start/lean-wait.ts');
    // Any trouble on the way is left to the client path, which reports it as every command does.
    const outcome = await awaitRunPickupLean(context.temporalSettings(), runId).catch(() => null);
    if (outcome === 'prepared' || outcome === 'unclaimed') return { outcome };
  }
  const [client, { awaitRunPickup }] = await Promise.all([context.client(), import('../../control/runs.ts')]);
  return awaitRunPickup(client, runId);
}

/**
 * Follows the run until it ends. A run started on the lean path is followed there too (a history
 * long poll for its close, queries for progress), so a run that succeeds never loads the Temporal
 * client; one that closed another way is read through the client, which says why.
 */
async function followRun(context: CliContext, runId: string, lean: boolean, onProgress?: (snapshot: RunSnapshot) => void): Promise<RunSnapshot> {
  if (lean) {
    const { waitForRunLean } = await import('../lean-start/lean-wait.ts');
    const final = await waitForRunLean(context.temporalSettings(), runId, onProgress);
    if (final) return final;
  }
  const [client, { waitForRun }] = await Promise.all([context.client(), import('../../control/runs.ts')]);
  return waitForRun(client, runId, onProgress);
}

/**
 * A run that failed before any task did (the worker has no such DAG, its params were refused)
 * carries the reason only in its own failure; a person needs it on the terminal.
 */
async function runFailureWithoutTask(client: Client, snapshot: RunSnapshot): Promise<string | undefined> {
  if (snapshot.status !== 'failed' || snapshot.tasks.some((task) => task.state === 'failed')) return undefined;
  try {
    // Its payloads may be sealed with a key this process lacks; the failure message is not.
    const { markingUnreadablePayloads } = await import('../../control/encrypted-memo.ts');
    await markingUnreadablePayloads(client).workflow.getHandle(snapshot.runId).result();
    return undefined;
  } catch (error) {
    let innermost = error as Error & { cause?: unknown };
    while (innermost.cause instanceof Error) innermost = innermost.cause as Error & { cause?: unknown };
    return innermost.message.split('\n')[0];
  }
}
