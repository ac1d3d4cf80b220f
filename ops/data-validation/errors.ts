import { NonRetryableError } from '../../sdk/errors.ts';

/**
 * The expectations themselves are wrong (a DAG author's mistake, such as `mostly: 1.5`).
 * No data was judged, and a retry would read the same DAG file again.
 */
export class ExpectationConfigError extends NonRetryableError {
  /** Dotted path to the offending setting, e.g. `columns.temp.between`. */
  readonly field: string;
  readonly problem: string;

  constructor(field: string, problem: string) {
    super(`Invalid data expectation at ${field}: ${problem}`);
    this.name = 'ExpectationConfigError';
    this.field = field;
    this.problem = problem;
  }
}

/**
 * The file broke at least one expectation. Thrown only after the report is written, so the
 * message points at a report that exists. Bad data stays bad on retry, hence non-retryable.
 */
export class DataValidationFailedError extends NonRetryableError {
  readonly file: string;
  readonly reportUri: string;
  readonly failures: readonly string[];

  constructor(file: string, reportUri: string, failures: readonly string[]) {
    super(`Data validation failed for ${file} (${failures.length} failed expectation${failures.length === 1 ? '' : 's'}; report: ${reportUri}): ${failures.join('; ')}`);
    this.name = 'DataValidationFailedError';
    this.file = file;
    this.reportUri = reportUri;
    this.failures = failures;
  }
}
