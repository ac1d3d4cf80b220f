import { ArtifactPathError } from '../../artifacts/artifact-store.ts';
import { registerModelVersion } from '../../registry/index.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { requireServices } from '../runtime.ts';
import { resolveOption, taskIdempotencyKey, type Resolve } from './task-options.ts';
import { failFastOnRegistryError } from './non-retryable.ts';

export interface RegisterModelOptions<P, U> {
  model: Resolve<P, U, string>;
  /** `file://` URI (or artifact-store key) of the trained model, inside the artifact root. */
  artifact: Resolve<P, U, string>;
  metrics: Resolve<P, U, Record<string, number>>;
  params?: Resolve<P, U, Record<string, unknown>>;
  /** The training data: path or URI, and its sha256. */
  data: Resolve<P, U, { path: string; sha256: string }>;
  /** Default: the worker's `WEIR_GIT_COMMIT` (`ctx.services.gitCommit`), else null. */
  gitCommit?: Resolve<P, U, string | null>;
}

/** The task's output. */
export interface RegisteredModel {
  model: string;
  version: number;
  artifactUri: string;
  sha256: string;
  sizeBytes: number;
  /** False when a retried attempt found the version an earlier attempt registered. */
  created: boolean;
}

/**
 * A task body that registers a trained model as a new version, with lineage from the run.
 * Retrying the task returns the same version: the key is `${runId}:${taskId}`.
 *
 * @example
 * .task('register', { needs: ['train'] }, registerModel({
 *   model: 'churn',
 *   artifact: (ctx) => ctx.outputs.train.modelUri,
 *   metrics: (ctx) => ctx.outputs.train.metrics,
 *   data: (ctx) => ({ path: ctx.params.data, sha256: ctx.outputs.train.dataSha256 }),
 * }))
 */
export function registerModel<P, U>(options: RegisterModelOptions<P, U>): (ctx: TaskContext<P, U>) => Promise<RegisteredModel> {
  return async (ctx) => {
    const runtime = requireServices(ctx.services);
    const [name, artifact, metrics, params, data, gitCommit] = await Promise.all([
      resolveOption(options.model, ctx),
      resolveOption(options.artifact, ctx),
      resolveOption(options.metrics, ctx),
      resolveOption(options.params ?? {}, ctx),
      resolveOption(options.data, ctx),
      resolveOption(options.gitCommit ?? runtime.gitCommit, ctx),
    ]);
    let artifactUri: string;
    try {
      // Confines the model to the artifact root, like every other artifact a task touches.
      artifactUri = runtime.artifacts.uriFor(runtime.artifacts.keyOf(artifact));
    } catch (error) {
      if (error instanceof ArtifactPathError) throw new NonRetryableError(error.message, { cause: error });
      throw error;
    }
    const registered = await registerModelVersion(runtime.db, {
      name,
      artifactUri,
      metrics,
      params,
      lineage: { dagId: ctx.run.dagId, runId: ctx.run.runId, dataPath: data.path, dataSha256: data.sha256, gitCommit },
      idempotencyKey: taskIdempotencyKey(ctx),
    }, { artifacts: runtime.artifacts }).catch(failFastOnRegistryError);
    ctx.log.info(registered.created ? 'registered model version' : 'model version already registered by an earlier attempt', { model: name, version: registered.version });
    return {
      model: name,
      version: registered.version,
      artifactUri: registered.artifactUri,
      sha256: registered.sha256,
      sizeBytes: registered.sizeBytes,
      created: registered.created,
    };
  };
}
