import { NonRetryableError } from '../../sdk/errors.ts';

/** The job ran and exited non-zero. Retryable: the cause may be transient (OOM, a flaky download). */
export class TrainingFailedError extends Error {
  override readonly name = 'TrainingFailedError';
  constructor(
    readonly jobName: string,
    readonly exitCode: number,
    readonly logTail: string,
    readonly logUri: string,
    readonly oomKilled = false,
  ) {
    const why = oomKilled ? ' (killed for exceeding its memory limit)' : '';
    super(`training job ${jobName} exited with code ${exitCode}${why}; full log: ${logUri}\n--- last log lines ---\n${logTail}`);
  }
}

/** A secret the job asks for by name is not set on this worker; retrying here cannot fix that. */
export class MissingSecretError extends NonRetryableError {
  override readonly name = 'MissingSecretError';
  constructor(
    readonly jobName: string,
    readonly variable: string,
  ) {
    super(`training job ${jobName} needs secret environment variable ${variable}, which is not set in the worker's environment`);
  }
}

/** The job description itself is wrong (bad variable name, no image for Docker...). */
export class InvalidTrainingJobError extends NonRetryableError {
  override readonly name = 'InvalidTrainingJobError';
  constructor(
    readonly jobName: string,
    readonly field: string,
    problem: string,
  ) {
    super(`training job ${jobName}: ${field} ${problem}`);
  }
}

/** The job exited 0 but left output a later step cannot use. */
export class TrainingOutputError extends NonRetryableError {
  override readonly name = 'TrainingOutputError';
  constructor(
    readonly jobName: string,
    readonly outputPath: string,
    problem: string,
  ) {
    super(`training job ${jobName}: ${outputPath} ${problem}`);
  }
}

/** The Docker engine has no such image; weir never pulls, so pre-pull or build it on the engine. */
export class ContainerImageMissingError extends NonRetryableError {
  override readonly name = 'ContainerImageMissingError';
  constructor(
    readonly jobName: string,
    readonly image: string,
    readonly engine: string,
  ) {
    super(`training job ${jobName}: image ${image} is not present on the Docker engine at ${engine}; pull or build it there first`);
  }
}
