import { CliContext, type GlobalOptions } from './context.ts';
import { describeError, describeErrorVerbose, EXIT_OK, exitCodeFor } from './errors.ts';
import type { CliIo } from './io.ts';
import { buildProgram } from './program.ts';

/**
 * Runs one `weir` invocation and returns its exit code: 0 on success, 1 when the command
 * failed, 2 for usage errors. Errors print as one `weir: ...` line unless --verbose.
 *
 * @example
 * process.exitCode = await runCli(['dags', 'list'], processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const contexts: CliContext[] = [];
  const createContext = (globals: GlobalOptions) => {
    const context = new CliContext(io, globals);
    contexts.push(context);
    return context;
  };
  // Read from argv, not from commander: a usage error stops parsing before options are set.
  const verbose = argv.includes('--verbose');
  try {
    await buildProgram(io, createContext).parseAsync([...argv], { from: 'user' });
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
