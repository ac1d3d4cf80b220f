import { NonRetryableError } from '../../sdk/errors.ts';

/**
 * A data file drift cannot read or compare: missing, an unknown format, or columns that do not
 * match the baseline. Retrying cannot fix it, so it fails the task at once.
 */
export class DriftInputError extends NonRetryableError {
  constructor(
    message: string,
    readonly file: string,
    readonly column: string | undefined = undefined,
  ) {
    super(message);
    this.name = 'DriftInputError';
  }
}

/** No baseline stored for the model (or version, or id) the drift task asked for. */
export class BaselineNotFoundError extends NonRetryableError {
  constructor(
    readonly modelName: string | undefined,
    readonly modelVersion: string | undefined,
    readonly baselineId: string | undefined,
  ) {
    const what = baselineId !== undefined
      ? `id ${baselineId}`
      : `model "${modelName}"${modelVersion !== undefined ? ` version "${modelVersion}"` : ''}`;
    super(`No drift baseline found for ${what}. Compute one from the training data with computeBaseline() and store it with saveBaseline() before running drift detection.`);
    this.name = 'BaselineNotFoundError';
  }
}

/** Drift options that cannot work, such as KS on a categorical column. */
export class DriftConfigError extends NonRetryableError {
  constructor(
    message: string,
    readonly column: string | undefined,
  ) {
    super(message);
    this.name = 'DriftConfigError';
  }
}
