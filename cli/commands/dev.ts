import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import type { DevStack, DevStackOptions } from '../dev-stack.ts';
import { parsePort } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { waitForShutdownSignal } from '../signals.ts';
import { stackFilePath } from '../stack-file.ts';
import { startWebView, withWebViewAuthOptions, type RunningWebView, type UiCommandOptions } from './ui.ts';

export interface DevPortOptions extends Omit<UiCommandOptions, 'port' | 'host'> {
  port: number;
  uiPort: number;
  /** Port of Weir's web view on 127.0.0.1; `--no-web` (false) serves none. */
  webPort: number;
  web: boolean;
}

/** `--port`, `--ui-port` and the web view's options, shared by `dev` and `start`. */
export function withDevPortOptions(command: Command): Command {
  return withWebViewAuthOptions(
    command
      .option('--port <port>', 'Temporal gRPC port', parsePort, 7233)
      .option('--ui-port <port>', 'Temporal Web UI port', parsePort, 8233)
      .option('--web-port <port>', "Weir's web view port (on 127.0.0.1)", parsePort, 8080)
      .option('--no-web', "do not serve Weir's web view"),
  );
}

/** A dev stack with Weir's web view beside it; stopping it stops the view first. */
export type DevStackWithWebView = DevStack & { webUrl: string | null };

/**
 * Starts the dev stack and, unless `--no-web`, the web view on 127.0.0.1. A web view that
 * cannot start (its port is taken) is reported and the stack keeps running without it.
 */
export async function startDevStackWithWebView(io: CliIo, options: DevPortOptions, stackOptions: DevStackOptions): Promise<DevStackWithWebView> {
  // Temporal, Postgres and the worker load when a stack starts, not for `weir --help` or the command table's checks.
  const { startDevStack } = await import('../dev-stack.ts');
  const stack = await startDevStack(stackOptions);
  if (!options.web) return { ...stack, webUrl: null };
  let view: RunningWebView;
  try {
    view = await startWebView(
      io,
      { client: stack.client, databaseUrl: stack.databaseUrl, dagsDir: stackOptions.dagsDir, taskQueue: stack.taskQueue, namespace: 'default', temporalUiUrl: stack.uiUrl },
      { ...options, port: options.webPort, host: '127.0.0.1' },
    );
  } catch (error) {
    // A note, not an error: the stack itself runs, and scripts that read stderr stay quiet.
    io.out(`Weir UI not started: ${error instanceof Error ? error.message : String(error)}`);
    return { ...stack, webUrl: null };
  }
  return {
    ...stack,
    webUrl: view.url,
    stop: async () => {
      await view.close().catch(() => {});
      await stack.stop();
    },
  };
}

export function registerDevCommand(program: Command, contextFor: ContextFor): void {
  withDevPortOptions(program.command('dev').description('run Temporal (with its Web UI), Postgres and a worker on this machine until Ctrl-C')).action(
    async (options: DevPortOptions, command: Command) => {
      const context = contextFor(command);
      const shutdownRequested = waitForShutdownSignal();
      const stack = await startDevStackWithWebView(context.io, options, { dagsDir: context.dagsDir, port: options.port, uiPort: options.uiPort, taskQueue: context.taskQueue, log: context.io.out });
      printStackSummary(context.io, stack);
      context.io.out('Press Ctrl-C to stop.');
      await serveUntilShutdown(context.io, stack, shutdownRequested);
    },
  );
}

export function printStackSummary(io: CliIo, stack: DevStack & { webUrl?: string | null }): void {
  io.out('');
  io.out('weir dev stack is running');
  if (stack.webUrl) io.out(`  Weir UI:       ${stack.webUrl}`);
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
