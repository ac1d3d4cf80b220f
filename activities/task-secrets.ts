import { SecretMask } from '../logs/secret-mask.ts';
import { declaredSecretEnv } from '../ops/training/secrets.ts';
import type { LoadedDag } from '../sdk/load.ts';
import type { TaskDefinition } from '../sdk/definition.ts';

/**
 * The names of the worker variables a task is handed as secrets: what its body declares
 * (`train`'s `secretEnv`, `optionalSecretEnv`) and what the task or its DAG's defaults mark with
 * the `secretEnv` option.
 */
export function taskSecretNames(loaded: LoadedDag, definition: TaskDefinition): string[] {
  return [
    ...new Set([...declaredSecretEnv(definition.body), ...(loaded.dag.config.defaults?.secretEnv ?? []), ...(definition.options.secretEnv ?? [])]),
  ];
}

/** The mask of one task: the current values of its secret variables in the worker's environment. */
export function taskSecretMask(loaded: LoadedDag, definition: TaskDefinition, env: Record<string, string | undefined>): SecretMask {
  return new SecretMask(taskSecretNames(loaded, definition).flatMap((name) => (env[name] === undefined ? [] : [env[name]])));
}
