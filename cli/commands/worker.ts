import type { Command } from 'commander';
import { createDb, migrateToLatest } from '../../db/index.ts';
import { workerSettingsFromEnv } from '../../worker/config.ts';
import { createWeirWorker } from '../../worker/create-worker.ts';
import { connectClient, connectWorker } from '../../worker/temporal-connection.ts';
import type { ContextFor } from '../program.ts';
import { waitForShutdownSignal } from '../signals.ts';
import { readLiveStackFile } from '../stack-file.ts';

export function registerWorkerCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('worker')
    .description('run a worker (TEMPORAL_ADDRESS, DATABASE_URL, WEIR_TASK_QUEUE...) until SIGINT or SIGTERM; running tasks get WEIR_SHUTDOWN_GRACE (30s) to finish, a second Ctrl-C stops at once')
    .option('--migrate', 'apply pending database migrations before starting')
    .action(async (options: { migrate?: boolean }, command: Command) => {
      const context = contextFor(command);
      const { io } = context;
      // On a laptop the dev stack fills in what the environment leaves out.
      const stack = readLiveStackFile(io.cwd);
      const settings = workerSettingsFromEnv(io.env, stack ? { temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl } : {});
      const shutdownRequested = waitForShutdownSignal();

      const db = createDb(settings.databaseUrl);
      const closers: (() => Promise<unknown>)[] = [() => db.destroy()];
      try {
        if (options.migrate) {
          const { applied } = await migrateToLatest(db);
          io.out(applied.length === 0 ? 'database is up to date' : `applied migrations: ${applied.join(', ')}`);
        }
        const client = await connectClient(settings.temporal);
        closers.push(() => client.connection.close());
        const connection = await connectWorker(settings.temporal);
        closers.push(() => connection.close());
        const weir = await createWeirWorker({
          connection,
          namespace: settings.temporal.namespace,
          taskQueue: settings.taskQueue,
          dagsDir: context.dagsDir,
          watchDags: true,
          db,
          scheduleClient: client,
          maxConcurrentActivities: settings.maxConcurrentActivities,
          maxConcurrentWorkflowTasks: settings.maxConcurrentWorkflowTasks,
          pools: settings.pools,
          shutdownGraceMs: settings.shutdownGraceMs,
          env: io.env,
          log: io.out,
        });
        const running = weir.runAll();
        io.out(`worker serving task queue "${settings.taskQueue}" on ${settings.temporal.address}; SIGINT or SIGTERM stops it`);
        // The SDK also shuts its workers down on these signals; whichever comes first, drain once.
        const stoppedBySignal = await Promise.race([running.then(() => false), shutdownRequested.then(() => true)]);
        if (stoppedBySignal) {
          const grace = formatSeconds(settings.shutdownGraceMs);
          io.out(`stopping: running tasks have ${grace} to finish (WEIR_SHUTDOWN_GRACE); press Ctrl-C again to stop at once`);
        }
        weir.shutdownAll();
        await running;
        io.out('worker stopped');
      } finally {
        for (const close of closers.reverse()) await close().catch(() => {});
      }
    });
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
