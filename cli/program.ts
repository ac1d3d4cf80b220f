import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { projectRoot } from '../infra/project-root.ts';
import { registerApproveCommand } from './commands/approve.ts';
import { registerBackfillCommand } from './commands/backfill.ts';
import { registerCodecServerCommand } from './commands/codec-server.ts';
import { registerDagsCommands } from './commands/dags.ts';
import { registerDagsTestCommand } from './commands/dags-test.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDevCommand } from './commands/dev.ts';
import { registerLogsCommand } from './commands/logs.ts';
import { registerModelsCommands } from './commands/models.ts';
import { registerRunsCommands } from './commands/runs.ts';
import { registerScheduleCommands } from './commands/schedules.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerTasksCommands } from './commands/tasks.ts';
import { registerTriggerCommand } from './commands/trigger.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import type { CliContext, GlobalOptions } from './context.ts';
import type { CliIo } from './io.ts';

/** Gives a command's action its context, built from the global options it was called with. */
export type ContextFor = (command: Command) => CliContext;

/**
 * The `weir` command tree. Commander never exits the process or prints errors itself:
 * `runCli` turns every failure into one line and an exit code.
 */
export function buildProgram(io: CliIo, createContext: (globals: GlobalOptions) => CliContext): Command {
  const program = new Command('weir')
    .description('Airflow-style DAGs on Temporal')
    .version(packageVersion(), '-V, --version')
    .option('--verbose', 'show stack traces on errors', false)
    .option('--dags <dir>', 'folder of DAG files (env WEIR_DAGS_DIR)', io.env.WEIR_DAGS_DIR || 'dags')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.write(text),
      writeErr: (text) => io.err(text.trimEnd()),
      // runCli prints the error itself, as one `weir: ...` line.
      outputError: () => {},
    });

  const contextFor: ContextFor = (command) => createContext(command.optsWithGlobals<GlobalOptions>());
  registerDevCommand(program, contextFor);
  registerStartCommand(program, contextFor);
  registerWorkerCommand(program, contextFor);
  registerDagsCommands(program, contextFor);
  registerDagsTestCommand(program, contextFor);
  registerTasksCommands(program, contextFor);
  registerTriggerCommand(program, contextFor);
  registerRunsCommands(program, contextFor);
  registerLogsCommand(program, contextFor);
  registerApproveCommand(program, contextFor);
  registerBackfillCommand(program, contextFor);
  registerScheduleCommands(program, contextFor);
  registerDbCommands(program, contextFor);
  registerCodecServerCommand(program, contextFor);
  registerModelsCommands(program, contextFor);
  return program;
}

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
