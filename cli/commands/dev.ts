import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import type { DevStack } from '../dev-stack.ts';
import { startDevStack } from '../dev-stack.ts';
import { parsePort } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { waitForShutdownSignal } from '../signals.ts';
import { stackFilePath } from '../stack-file.ts';

export interface DevPortOptions {
  port: number;
  uiPort: number;
}

/** `--port` and `--ui-port`, shared by `dev` and `start`. */
export function withDevPortOptions(command: Command): Command {
  return command
    .option('--port <port>', 'Temporal gRPC port', parsePort, 7233)
    .option('--ui-port <port>', 'Temporal Web UI port', parsePort, 8233);
}

export function registerDevCommand(program: Command, contextFor: ContextFor): void {
  withDevPortOptions(program.command('dev').description('run Temporal (with its Web UI), Postgres and a worker on this machine until Ctrl-C')).action(
    async (options: DevPortOptions, command: Command) => {
      const context = contextFor(command);
      const shutdownRequested = waitForShutdownSignal();
      const stack = await startDevStack({ dagsDir: context.dagsDir, port: options.port, uiPort: options.uiPort, taskQueue: context.taskQueue, log: context.io.out });
      printStackSummary(context.io, stack);
      context.io.out('Press Ctrl-C to stop.');
      await serveUntilShutdown(context.io, stack, shutdownRequested);
    },
  );
}

export function printStackSummary(io: CliIo, stack: DevStack): void {
  io.out('');
  io.out('weir dev stack is running');
  io.out(`  Temporal UI:   ${stack.uiUrl}`);
  io.out(`  gRPC address:  ${stack.temporalAddress}   (TEMPORAL_ADDRESS)`);
  io.out(`  Postgres:      ${stack.databaseUrl}   (DATABASE_URL)`);
  io.out(`  task queue:    ${stack.taskQueue}`);
  io.out(`  DAGs:          ${[...stack.catalog.dags.keys()].sort().join(', ') || '(none)'}`);
  io.out(`  stack file:    ${stackFilePath(io.cwd)}`);
  io.out('');
}

/** Waits for Ctrl-C (or a worker crash), then stops everything in order. */
export async function serveUntilShutdown(io: CliIo, stack: DevStack, shutdownRequested: Promise<unknown>): Promise<void> {
  let crash: unknown;
  await Promise.race([
    shutdownRequested,
    stack.workerDone.catch((error: unknown) => {
      crash = error;
    }),
  ]);
  io.out('stopping the dev stack...');
  await stack.stop();
  if (crash !== undefined) throw crash;
  io.out('stopped');
}
