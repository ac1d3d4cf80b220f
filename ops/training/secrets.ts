import { InvalidTrainingJobError, MissingSecretError } from './errors.ts';
import type { TrainingJob } from './job.ts';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The job's environment: its plain `env`, then each secret read by name from `source` (the
 * worker's environment) now, at run time. Values never come from task inputs, so they never
 * reach workflow history. Also returns the secret values so logs can mask them.
 */
export function resolveJobEnv(
  job: TrainingJob,
  source: Record<string, string | undefined>,
): { env: Record<string, string>; secretValues: string[] } {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(job.env ?? {})) {
    if (!VARIABLE_NAME.test(name)) throw new InvalidTrainingJobError(job.name, `env ${JSON.stringify(name)}`, 'is not a valid environment variable name');
    env[name] = value;
  }
  const secretValues: string[] = [];
  for (const name of job.secretEnv ?? []) {
    if (!VARIABLE_NAME.test(name)) throw new InvalidTrainingJobError(job.name, `secretEnv ${JSON.stringify(name)}`, 'is not a valid environment variable name');
    const value = source[name];
    if (value === undefined) throw new MissingSecretError(job.name, name);
    env[name] = value;
    secretValues.push(value);
  }
  return { env, secretValues };
}
