import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArtifactStore } from '../../artifacts/store.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { requireServices } from '../runtime.ts';
import { DockerRunner, type DockerRunnerOptions } from './docker-runner.ts';
import { TrainingOutputError } from './errors.ts';
import { jobNames, type ContainerRunner, type JobInput, type TrainingJob } from './job.ts';
import { LocalProcessRunner, type LocalProcessRunnerOptions } from './local-runner.ts';
import { declareSecretEnv } from './secrets.ts';

export interface TrainOptions<P = Record<string, unknown>, U = Record<string, unknown>> {
  /** The program and its arguments, e.g. `['python', 'train.py', '--epochs', '10']`. */
  command: string[];
  /** Default: a local process runner. */
  runner?: ContainerRunner;
  /** Container image, for the Docker runner. */
  image?: string;
  env?: Record<string, string>;
  /** Names of worker environment variables handed to the job, never their values. Each must be set on the worker. */
  secretEnv?: string[];
  /** Like `secretEnv`, for features the job can do without (say, experiment tracking): unset ones are left out. */
  optionalSecretEnv?: string[];
  /**
   * Data the job reads, by name: `INPUT_<NAME>` points at it. Values are artifact URIs or keys,
   * or absolute host paths; a function receives the task context, for upstream outputs.
   */
  inputs?: Record<string, string> | ((ctx: TaskContext<P, U>) => Record<string, string>);
  workingDir?: string;
  cpuLimit?: number;
  memoryLimitBytes?: number;
  /** The model file, relative to the output folder; it must exist. Default: the output folder itself. */
  modelPath?: string;
  /** Default: the worker runtime's store. */
  artifacts?: ArtifactStore;
}

/** Small by design: it goes into workflow history. The model and log stay in the artifact store. */
export interface TrainResult {
  modelUri: string;
  metrics: Record<string, unknown> | null;
  logUri: string;
  /** Folder holding everything the job wrote. */
  outputUri: string;
}

/** Where the Docker runner mounts each named input. */
export const CONTAINER_INPUT_ROOT = '/weir/inputs';

/**
 * A task body that runs a training job and returns where its model, metrics and log went.
 * Each attempt writes under `runs/<runId>/<taskId>/attempt-<n>/` in the artifact store, so a
 * retry never mixes its files with a failed attempt's.
 *
 * @example
 * dag({ id: 'churn_retrain' })
 *   .task('train', train({
 *     command: ['python', 'train.py'],
 *     inputs: (ctx) => ({ features: ctx.outputs.prepare.datasetUri }),
 *     secretEnv: ['WANDB_API_KEY'],
 *     modelPath: 'model.pkl',
 *   }), { needs: ['prepare'], timeout: '2h', heartbeatTimeout: '1m' });
 */
export function train<P = Record<string, unknown>, U = Record<string, unknown>>(
  options: TrainOptions<P, U>,
): (ctx: TaskContext<P, U>, mapItem?: unknown, mapIndex?: number) => Promise<TrainResult> {
  const body = async (ctx: TaskContext<P, U>, _mapItem?: unknown, mapIndex?: number): Promise<TrainResult> => {
    const store = options.artifacts ?? requireServices(ctx.services).artifacts;
    const runner = options.runner ?? new LocalProcessRunner();
    // Mapped instances of one task run side by side; each needs its own name and orphan key.
    const taskId = mapIndex === undefined ? ctx.taskId : `${ctx.taskId}[${mapIndex}]`;
    const attemptKey = path.posix.join(ArtifactStore.taskPrefix(ctx.run.runId, taskId.replace(/[[\]]/g, '_')), `attempt-${ctx.run.attempt}`);
    const outputDir = store.pathFor(`${attemptKey}/output`);
    const named = typeof options.inputs === 'function' ? options.inputs(ctx) : (options.inputs ?? {});
    const inputs: JobInput[] = Object.entries(named).map(([name, where]) => ({
      name,
      hostPath: path.isAbsolute(where) ? where : store.resolve(where),
      containerPath: path.posix.join(CONTAINER_INPUT_ROOT, name),
    }));

    const job: TrainingJob = {
      ...jobNames({ runId: ctx.run.runId, taskId, attempt: ctx.run.attempt }),
      runId: ctx.run.runId,
      taskId,
      attempt: ctx.run.attempt,
      command: options.command,
      outputDir,
      logFile: store.pathFor(`${attemptKey}/train.log`),
      inputs,
      ...(options.image === undefined ? {} : { image: options.image }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.secretEnv === undefined ? {} : { secretEnv: options.secretEnv }),
      ...(options.optionalSecretEnv === undefined ? {} : { optionalSecretEnv: options.optionalSecretEnv }),
      ...(options.workingDir === undefined ? {} : { workingDir: options.workingDir }),
      ...(options.cpuLimit === undefined ? {} : { cpuLimit: options.cpuLimit }),
      ...(options.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: options.memoryLimitBytes }),
    };
    const result = await runner.run(job, { signal: ctx.signal, heartbeat: ctx.heartbeat, log: ctx.log });

    let modelUri = pathToFileURL(outputDir).href;
    if (options.modelPath !== undefined) {
      const wanted = path.posix.normalize(options.modelPath);
      if (!result.outputs.files.includes(wanted)) {
        throw new TrainingOutputError(job.name, path.join(outputDir, wanted), `was not written; the job wrote: ${result.outputs.files.join(', ') || 'nothing'}`);
      }
      modelUri = store.uriFor(`${attemptKey}/output/${wanted}`);
    }
    return { modelUri, metrics: result.outputs.metrics, logUri: result.logUri, outputUri: pathToFileURL(outputDir).href };
  };
  return declareSecretEnv(body, [...(options.secretEnv ?? []), ...(options.optionalSecretEnv ?? [])]);
}

/** The Docker runner, for `train({ runner: dockerRunner({ socketPath }) })`. */
export function dockerRunner(options: DockerRunnerOptions = {}): DockerRunner {
  return new DockerRunner(options);
}

/** The local process runner (the default), for when its options need changing. */
export function localProcessRunner(options: LocalProcessRunnerOptions = {}): LocalProcessRunner {
  return new LocalProcessRunner(options);
}
