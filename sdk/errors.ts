/** One problem found in a DAG file, located as precisely as possible. */
export interface DagProblem {
  file: string;
  dagId?: string;
  taskId?: string;
  field?: string;
  message: string;
}

/**
 * How a bad value reads in a problem message. A DAG file may hold any value, and JSON.stringify
 * throws on some (BigInt) while String() throws on others (objects without a prototype).
 */
export function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

export function formatProblem(problem: DagProblem): string {
  const where = [problem.file, problem.dagId && `dag ${problem.dagId}`, problem.taskId && `task ${problem.taskId}`, problem.field && `field ${problem.field}`]
    .filter(Boolean)
    .join(' › ');
  return `${where}: ${problem.message}`;
}

/**
 * A DAG that cannot become a Plan. Carries every problem found, and names the first one's
 * location in its own fields so a single-problem caller needs nothing else.
 */
export class DagValidationError extends Error {
  readonly file: string;
  readonly dagId: string | undefined;
  readonly taskId: string | undefined;
  readonly field: string | undefined;
  readonly problems: readonly DagProblem[];

  constructor(problems: readonly DagProblem[]) {
    const first = problems[0] ?? { file: '<unknown>', message: 'invalid DAG' };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${formatProblem(first)}${more}`);
    this.name = 'DagValidationError';
    this.file = first.file;
    this.dagId = first.dagId;
    this.taskId = first.taskId;
    this.field = first.field;
    this.problems = problems;
  }
}

/** Params a trigger passed in that the DAG's schema rejects. */
export class InvalidParamsError extends Error {
  readonly dagId: string;
  readonly issues: readonly string[];
  constructor(dagId: string, issues: readonly string[]) {
    super(`Invalid params for DAG ${dagId}: ${issues.join('; ')}`);
    this.name = 'InvalidParamsError';
    this.dagId = dagId;
    this.issues = issues;
  }
}

/** A task output too large to keep in workflow history. */
export class OutputTooLargeError extends Error {
  readonly dagId: string;
  readonly taskId: string;
  readonly bytes: number;
  constructor(dagId: string, taskId: string, bytes: number, limit: number) {
    super(
      `Task ${dagId}.${taskId} returned ${Math.ceil(bytes / 1024)} KiB of JSON; the limit is ${limit / 1024} KiB. ` +
        'Write large data to an artifact (a file or object store) and return its URI instead.',
    );
    this.name = 'OutputTooLargeError';
    this.dagId = dagId;
    this.taskId = taskId;
    this.bytes = bytes;
  }
}

/**
 * Throw from a task body to fail the task at once, without the retries its options allow.
 * Use it for failures a retry cannot fix, such as bad input data.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}
