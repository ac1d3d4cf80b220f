import type { CliContext, GlobalOptions } from './context.ts';
import { describeError, describeErrorVerbose, EXIT_OK, exitCodeFor } from './errors.ts';
import type { CliIo } from './io.ts';
import { buildProgram, invokedCommand } from './program.ts';

/**
 * Runs one `weir` invocation and returns its exit code: 0 on success, 1 when the command
 * failed, 2 for usage errors. Errors print as one `weir: ...` line unless --verbose.
 *
 * @example
 * process.exitCode = await runCli(['dags', 'list'], processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const contexts: CliContext[] = [];
  // Read from argv, not from commander: a usage error stops parsing before options are set.
  const verbose = argv.includes('--verbose');
  try {
    // The context brings the Temporal client and Kysely; `weir --help` and `--version` never need them.
    const contextModule = invokedCommand(argv) === undefined ? undefined : await import('./context.ts');
    const createContext = (globals: GlobalOptions) => {
      if (!contextModule) throw new Error('weir: a command ran without its context; this is a bug in the CLI');
      const context = new contextModule.CliContext(io, globals);
      contexts.push(context);
      return context;
    };
    await (await buildProgram(io, createContext, argv)).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    const line = describeError(error);
    if (line !== null) io.err(`weir: ${line}`);
    if (verbose && line !== null) io.err(describeErrorVerbose(error));
    return exitCodeFor(error);
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}
