import { CommanderError } from 'commander';
import { unreadableError, unreadableNotice } from '../control/unreadable-payloads.ts';

/** Exit codes of the `weir` command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the CLI itself detected, with a message that already tells the user what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Wrong arguments that commander cannot catch, such as conflicting options. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

export class UnknownDagError extends CliError {
  constructor(
    readonly dagId: string,
    readonly dagsDir: string,
    readonly knownDagIds: readonly string[],
    readonly brokenFileCount: number,
  ) {
    const known = knownDagIds.length > 0 ? `known: ${knownDagIds.join(', ')}` : 'no DAG loaded';
    const broken = brokenFileCount > 0 ? `; ${brokenFileCount} problem(s) in DAG files, see \`weir dags validate\`` : '';
    super(`unknown DAG "${dagId}" in ${dagsDir} (${known}${broken})`);
    this.name = 'UnknownDagError';
  }
}

const WRAPPER_ERRORS = new Set(['WorkflowUpdateFailedError', 'WorkflowFailedError']);

// Commander reports these after it has printed help or the version on purpose.
const COMMANDER_SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // `weir help` also ends with 'commander.help', but with exit code 0: only help shown for a mistake is a usage error.
    if (error.code === 'commander.help' && error.exitCode === 0) return EXIT_OK;
    return COMMANDER_SUCCESS_CODES.has(error.code) ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof CliError) return error.exitCode;
  return EXIT_FAILURE;
}

/**
 * The one line the user sees for an error, or null when commander already printed what
 * matters (help text). Multi-line messages (a server's log tail) keep their first line;
 * `--verbose` shows the rest.
 */
export function describeError(error: unknown): string | null {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.help' || COMMANDER_SUCCESS_CODES.has(error.code)) return null;
    return `${firstLine(error.message.replace(/^error:\s*/, ''))} (see --help)`;
  }
  // A payload sealed with a key this process lacks: say which variable to set, never the converter's words.
  const unreadable = unreadableError(error);
  if (unreadable) return `the run's data is ${unreadableNotice(unreadable)}`;
  if (error instanceof Error) {
    let message = firstLine(error.message) || error.name;
    // Temporal's wrappers say only "Workflow Update failed"; the reason is in the cause.
    if (WRAPPER_ERRORS.has(error.name) && error.cause instanceof Error) message = `${message}: ${firstLine(error.cause.message)}`;
    const logFile = (error as { logFile?: unknown }).logFile;
    return typeof logFile === 'string' ? `${message} (log: ${logFile})` : message;
  }
  return firstLine(String(error));
}

/** What `--verbose` prints: the stack, and the causes behind it. */
export function describeErrorVerbose(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\nCaused by: ');
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
