import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Help } from 'commander';
import { projectRoot } from '../infra/project-root.ts';
import type { CliContext, GlobalOptions } from './context.ts';
import type { CliIo } from './io.ts';

/** Gives a command's action its context, built from the global options it was called with. */
export type ContextFor = (command: Command) => CliContext;

type Register = (program: Command, contextFor: ContextFor) => void;

/**
 * One top-level command as `weir --help` lists it, and how to load the module that defines it.
 * Only the invoked command's module is imported, so `weir --help` or `weir runs list` never pays
 * for the worker, the bundler, DuckDB or the operators. `term` and `description` must match
 * what the module registers (program.test.ts checks every entry).
 */
export interface CommandEntry {
  name: string;
  /** The command's line in `weir --help`: name, `[options]`, arguments. */
  term: string;
  description: string;
  load: () => Promise<Register>;
}

// pause, unpause and schedules share one module, so they share its loader.
const loadScheduleCommands = async (): Promise<Register> => (await import('./commands/schedules.ts')).registerScheduleCommands;

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'dev',
    term: 'dev [options]',
    description: 'run Temporal (with its Web UI), Postgres and a worker on this machine until Ctrl-C',
    load: async () => (await import('./commands/dev.ts')).registerDevCommand,
  },
  {
    name: 'start',
    term: 'start [options]',
    description: 'what `npm start` runs: the dev stack, plus one run of weekly_retrain to watch (WEIR_START_EXIT_AFTER_RUN=1 exits after it)',
    load: async () => (await import('./commands/start.ts')).registerStartCommand,
  },
  {
    name: 'ui',
    term: 'ui [options]',
    description: 'serve the web view (DAGs, runs, models) on 127.0.0.1:8080 until Ctrl-C',
    load: async () => (await import('./commands/ui.ts')).registerUiCommand,
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description: 'run a worker (TEMPORAL_ADDRESS, DATABASE_URL, WEIR_TASK_QUEUE...) until SIGINT or SIGTERM; running tasks get WEIR_SHUTDOWN_GRACE (30s) to finish, a second Ctrl-C stops at once',
    load: async () => (await import('./commands/worker.ts')).registerWorkerCommand,
  },
  {
    name: 'dags',
    term: 'dags',
    description: 'list, show, validate and test DAG files',
    load: async () => {
      const [{ registerDagsCommands }, { registerDagsTestCommand }] = await Promise.all([import('./commands/dags.ts'), import('./commands/dags-test.ts')]);
      return (program, contextFor) => {
        registerDagsCommands(program, contextFor);
        registerDagsTestCommand(program, contextFor);
      };
    },
  },
  {
    name: 'tasks',
    term: 'tasks',
    description: 'run single tasks',
    load: async () => (await import('./commands/tasks.ts')).registerTasksCommands,
  },
  {
    name: 'trigger',
    term: 'trigger [options] <dag>',
    description: 'start a run of a DAG and print its run id',
    load: async () => (await import('./commands/trigger.ts')).registerTriggerCommand,
  },
  {
    name: 'runs',
    term: 'runs',
    description: 'list, inspect, cancel and clear runs',
    load: async () => (await import('./commands/runs.ts')).registerRunsCommands,
  },
  {
    name: 'logs',
    term: 'logs [options] <runId> [taskId]',
    description: "a run's task logs: what tasks wrote with ctx.log and what their jobs printed",
    load: async () => (await import('./commands/logs.ts')).registerLogsCommand,
  },
  {
    name: 'approve',
    term: 'approve [options] <runId> <taskId>',
    description: 'approve (or with --reject, reject) an approval task that waits for a decision',
    load: async () => (await import('./commands/approve.ts')).registerApproveCommand,
  },
  {
    name: 'backfill',
    term: 'backfill [options] <dag>',
    description: "one run per schedule tick in [from, to], no more than the DAG's maxActiveRuns open together; running it again starts nothing new",
    load: async () => (await import('./commands/backfill.ts')).registerBackfillCommand,
  },
  {
    name: 'pause',
    term: 'pause <dag>',
    description: "stop a DAG's schedule from starting runs",
    load: loadScheduleCommands,
  },
  {
    name: 'unpause',
    term: 'unpause <dag>',
    description: "let a paused DAG's schedule start runs again",
    load: loadScheduleCommands,
  },
  {
    name: 'schedules',
    term: 'schedules',
    description: 'Temporal Schedules of the DAGs',
    load: loadScheduleCommands,
  },
  {
    name: 'db',
    term: 'db',
    description: 'the Postgres database (DATABASE_URL, or the dev stack)',
    load: async () => (await import('./commands/db.ts')).registerDbCommands,
  },
  {
    name: 'codec-server',
    term: 'codec-server [options]',
    description: 'decrypt payloads for the Temporal Web UI and CLI (needs WEIR_PAYLOAD_KEY) until Ctrl-C',
    load: async () => (await import('./commands/codec-server.ts')).registerCodecServerCommand,
  },
  {
    name: 'models',
    term: 'models',
    description: 'the model registry: versions, stages, promotion and rollback',
    load: async () => (await import('./commands/models.ts')).registerModelsCommands,
  },
];

/** Global options that take a value: the word after them is not a command name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--dags', '--as']);

/**
 * The top-level command an argument list invokes, as commander will dispatch it: the first
 * word that is not a global option or its value. `weir help <command>` invokes that command.
 *
 * @example invokedCommand(['--dags', 'x', 'runs', 'list']) // 'runs'
 */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') break;
    if (word.startsWith('-')) {
      if (GLOBAL_OPTIONS_WITH_VALUE.has(word)) i++;
      continue;
    }
    words.push(word);
    if (words[0] !== 'help' || words.length === 2) break;
  }
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The `weir` command tree for one invocation. Commands other than the invoked one are
 * placeholders that only know their help line. Commander never exits the process or prints
 * errors itself: `runCli` turns every failure into one line and an exit code.
 */
export async function buildProgram(io: CliIo, createContext: (globals: GlobalOptions) => CliContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('weir')
    .description('Airflow-style DAGs on Temporal')
    .version(packageVersion(), '-V, --version')
    .option('--verbose', 'show stack traces on errors', false)
    .option('--dags <dir>', 'folder of DAG files (env WEIR_DAGS_DIR)', io.env.WEIR_DAGS_DIR || 'dags')
    .option('--as <name>', 'who acts, recorded with runs you trigger, clear, approve or cancel (env WEIR_ACTOR, default $USER)')
    .exitOverride()
    .configureHelp({ subcommandTerm: (command) => placeholderTerms.get(command) ?? new Help().subcommandTerm(command) })
    .configureOutput({
      writeOut: (text) => io.write(text),
      writeErr: (text) => io.err(text.trimEnd()),
      // runCli prints the error itself, as one `weir: ...` line.
      outputError: () => {},
    });

  const contextFor: ContextFor = (command) => createContext(command.optsWithGlobals<GlobalOptions>());
  const invoked = COMMANDS.find((entry) => entry.name === invokedCommand(argv));
  const register = invoked ? await invoked.load() : undefined;
  const placeholderTerms = new Map<Command, string>();
  let registered = false;
  for (const entry of COMMANDS) {
    if (register && entry.load === invoked?.load) {
      // One module may define several commands (pause, unpause, schedules): register it once.
      if (!registered) register(program, contextFor);
      registered = true;
      continue;
    }
    const placeholder = program.command(entry.name).description(entry.description);
    placeholderTerms.set(placeholder, entry.term);
  }
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
