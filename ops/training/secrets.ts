import { InvalidTrainingJobError, MissingSecretError } from './errors.ts';
import type { TrainingJob } from './job.ts';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The job's environment: its plain `env`, then each secret read by name from `source` (the
 * worker's environment) now, at run time. Values never come from task inputs, so they never
 * reach workflow history. A missing `secretEnv` variable fails the job; a missing
 * `optionalSecretEnv` one is left out. Also returns the secret values so logs can mask them.
 */
export function resolveJobEnv(
  job: TrainingJob,
  source: Record<string, string | undefined>,
): { env: Record<string, string>; secretValues: string[] } {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(job.env ?? {})) {
    checkVariableName(job, 'env', name);
    env[name] = value;
  }
  const secretValues: string[] = [];
  const addSecret = (name: string, value: string) => {
    env[name] = value;
    secretValues.push(value);
  };
  for (const name of job.secretEnv ?? []) {
    checkVariableName(job, 'secretEnv', name);
    const value = source[name];
    if (value === undefined) throw new MissingSecretError(job.name, name);
    addSecret(name, value);
  }
  for (const name of job.optionalSecretEnv ?? []) {
    checkVariableName(job, 'optionalSecretEnv', name);
    const value = source[name];
    if (value !== undefined) addSecret(name, value);
  }
  return { env, secretValues };
}

function checkVariableName(job: TrainingJob, field: string, name: string): void {
  if (!VARIABLE_NAME.test(name)) throw new InvalidTrainingJobError(job.name, `${field} ${JSON.stringify(name)}`, 'is not a valid environment variable name');
}

/** Shared across module copies (a DAG bundle may load its own copy of the operators). */
const DECLARED_SECRET_ENV = Symbol.for('weir.secretEnv');

/** Marks a task body with the names of the worker variables it reads as secrets. */
export function declareSecretEnv<F extends object>(body: F, names: readonly string[]): F {
  Object.defineProperty(body, DECLARED_SECRET_ENV, { value: Object.freeze([...names]), enumerable: false });
  return body;
}

/**
 * The names of the worker environment variables a task body reads as secrets (`train`'s
 * `secretEnv` and `optionalSecretEnv`); empty for bodies that declare none. Names only: the
 * values stay in the worker's environment.
 *
 * @example
 * const names = dag.tasks.flatMap((task) => declaredSecretEnv(task.body)); // ['WANDB_API_KEY']
 */
export function declaredSecretEnv(body: unknown): string[] {
  if ((typeof body !== 'function' && typeof body !== 'object') || body === null) return [];
  const names = (body as Record<symbol, unknown>)[DECLARED_SECRET_ENV];
  return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
}
