import type { Command } from 'commander';
import type { ContextFor } from '../program.ts';
import type { WorkerCommandOptions } from '../worker-command.ts';

export function registerWorkerCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('worker')
    .description('run a worker (TEMPORAL_ADDRESS, DATABASE_URL, WEIR_TASK_QUEUE...) until SIGINT or SIGTERM; running tasks get WEIR_SHUTDOWN_GRACE (30s) to finish, a second Ctrl-C stops at once')
    .option('--migrate', 'apply pending database migrations before starting')
    .option('--no-sync-schedules', 'leave Temporal Schedules to `weir schedules sync` (run it once per deploy)')
    .option('--metrics-port <port>', 'serve /metrics, /livez and /readyz on this port (env WEIR_METRICS_PORT)')
    .option('--max-cached-workflows <count>', "runs kept in the worker's sticky cache (default: the Temporal SDK's); 0 hands every step of a run to whichever worker polls first")
    .action(async (options: WorkerCommandOptions, command: Command) => {
      // The worker, the Temporal SDK's native bridge and the tracing stack load only when a worker starts,
      // not for `weir --help` or the command table's checks.
      const { runWorkerCommand } = await import('../worker-command.ts');
      await runWorkerCommand(contextFor(command), options);
    });
}
