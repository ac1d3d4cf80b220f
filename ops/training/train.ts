import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.ts';
import { taskPrefix } from '../../artifacts/artifact-store.ts';
import { FileArtifactStore } from '../../artifacts/store.ts';
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
  /** Container image, for the Docker and Kubernetes runners. */
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
    const attemptKey = path.posix.join(taskPrefix(ctx.run.runId, taskId.replace(/[[\]]/g, '_')), `attempt-${ctx.run.attempt}`);
    const named = typeof options.inputs === 'function' ? options.inputs(ctx) : (options.inputs ?? {});
    // A local store is the job's working area; a remote one (S3) gets a private staging folder:
    // inputs are downloaded into it, and the outputs and log uploaded from it afterwards.
    const staging = store instanceof FileArtifactStore ? null : await mkdtemp(path.join(os.tmpdir(), 'weir-train-'));
    const local = staging === null ? (store as FileArtifactStore) : new FileArtifactStore(staging);
    try {
      const outputDir = local.pathFor(`${attemptKey}/output`);
      const inputs: JobInput[] = [];
      for (const [name, where] of Object.entries(named)) {
        let hostPath: string;
        const uri = path.isAbsolute(where) ? undefined : store.uriFor(store.keyOf(where));
        if (path.isAbsolute(where)) hostPath = where;
        else if (staging === null) hostPath = local.resolve(where);
        else {
          hostPath = local.pathFor(`inputs/${name}/${path.posix.basename(store.keyOf(where)) || name}`);
          ctx.log.info('downloading training input', { name, uri: store.uriFor(store.keyOf(where)) });
          await store.download(where, hostPath);
        }
        inputs.push({ name, hostPath, containerPath: path.posix.join(CONTAINER_INPUT_ROOT, name), ...(uri === undefined ? {} : { uri }) });
      }

      const job: TrainingJob = {
        ...jobNames({ runId: ctx.run.runId, taskId, attempt: ctx.run.attempt }),
        runId: ctx.run.runId,
        taskId,
        attempt: ctx.run.attempt,
        command: options.command,
        outputDir,
        logFile: local.pathFor(`${attemptKey}/train.log`),
        outputUri: store.uriFor(`${attemptKey}/output`),
        inputs,
        ...(options.image === undefined ? {} : { image: options.image }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.secretEnv === undefined ? {} : { secretEnv: options.secretEnv }),
        ...(options.optionalSecretEnv === undefined ? {} : { optionalSecretEnv: options.optionalSecretEnv }),
        ...(options.workingDir === undefined ? {} : { workingDir: options.workingDir }),
        ...(options.cpuLimit === undefined ? {} : { cpuLimit: options.cpuLimit }),
        ...(options.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: options.memoryLimitBytes }),
      };
      let result;
      try {
        result = await runner.run(job, { signal: ctx.signal, heartbeat: ctx.heartbeat, log: ctx.log, artifacts: store });
      } finally {
        // The log of a failed job matters most; it reaches the shared store either way.
        if (staging !== null) await store.upload(`${attemptKey}/train.log`, job.logFile).catch(() => undefined);
      }

      if (options.modelPath !== undefined) {
        const wanted = path.posix.normalize(options.modelPath);
        if (!result.outputs.files.includes(wanted)) {
          throw new TrainingOutputError(job.name, path.join(outputDir, wanted), `was not written; the job wrote: ${result.outputs.files.join(', ') || 'nothing'}`);
        }
      }
      if (staging !== null && result.outputsInStore !== true) {
        for (const file of result.outputs.files) {
          ctx.heartbeat();
          await store.upload(`${attemptKey}/output/${file}`, path.join(outputDir, ...file.split('/')));
        }
      }
      const outputUri = staging === null ? pathToFileURL(outputDir).href : store.uriFor(`${attemptKey}/output`);
      const modelUri = options.modelPath === undefined ? outputUri : store.uriFor(`${attemptKey}/output/${path.posix.normalize(options.modelPath)}`);
      const logUri = staging === null ? result.logUri : store.uriFor(`${attemptKey}/train.log`);
      return { modelUri, metrics: result.outputs.metrics, logUri, outputUri };
    } finally {
      if (staging !== null) await rm(staging, { recursive: true, force: true });
    }
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
