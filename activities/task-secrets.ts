import { SecretMask } from '../logs/secret-mask.ts';
import { declaredSecretEnv } from '../ops/training/secrets.ts';
import type { Dag } from '../sdk/dag.ts';
import type { TaskDefinition } from '../sdk/definition.ts';

/**
 * The names of the worker variables a task is handed as secrets: what its body declares
 * (`train`'s `secretEnv`, `optionalSecretEnv`) and what the task or its DAG's defaults mark with
 * the `secretEnv` option.
 */
export function taskSecretNames(dag: Pick<Dag<unknown, Record<string, unknown>>, 'config'>, definition: TaskDefinition): string[] {
  return [
    ...new Set([...declaredSecretEnv(definition.body), ...(dag.config.defaults?.secretEnv ?? []), ...(definition.options.secretEnv ?? [])]),
  ];
}

/** The mask of one task: the current values of its secret variables in the worker's environment. */
export function taskSecretMask(dag: Pick<Dag<unknown, Record<string, unknown>>, 'config'>, definition: TaskDefinition, env: Readonly<Record<string, string | undefined>>): SecretMask {
  return new SecretMask(taskSecretNames(dag, definition).flatMap((name) => (env[name] === undefined ? [] : [env[name]])));
}
