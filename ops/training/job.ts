import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../../artifacts/artifact-store.ts';
import type { TaskLogger } from '../../sdk/context.ts';

/** A file or folder the job reads. Mounted read-only in containers; the local runner passes the host path. */
export interface JobInput {
  hostPath: string;
  /** Where a container sees it. The local runner ignores it. */
  containerPath: string;
  /** Names the `INPUT_<NAME>` variable; derived from `containerPath`'s base name when omitted. */
  name?: string;
  /** The input's artifact URI, for runners whose jobs read from the store themselves (Kubernetes). */
  uri?: string;
}

/** One training attempt, as a runner executes it. Holds no secret values, only their names. */
export interface TrainingJob {
  /** Unique per attempt; the container name under Docker. */
  name: string;
  /** Stable across attempts of one task in one run: how a retry finds what a crashed attempt left running. */
  key: string;
  /** Raw ids, kept for labels and messages. */
  runId: string;
  taskId: string;
  attempt: number;
  /** Container image; required by the Docker runner, ignored by the local runner. */
  image?: string;
  command: string[];
  env?: Record<string, string>;
  /** Names of variables copied from the worker's environment when the job starts; each must be set. */
  secretEnv?: string[];
  /** Like `secretEnv`, but a variable the worker does not have is left out instead of failing the job. */
  optionalSecretEnv?: string[];
  workingDir?: string;
  inputs?: JobInput[];
  /** Host folder the job writes its model files and `metrics.json` into. */
  outputDir: string;
  /** CPUs, fractional allowed (Docker only: a process has no portable CPU cap). */
  cpuLimit?: number;
  /** Bytes of memory (Docker only). */
  memoryLimitBytes?: number;
  /** Host path the combined stdout and stderr go to. */
  logFile: string;
  /** Artifact URI of the attempt's output folder, for runners whose jobs write to the store themselves (Kubernetes). */
  outputUri?: string;
}

export interface JobContext {
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
  log: TaskLogger;
  /** The task's artifact store; runners whose jobs write to it read the outputs back from it. */
  artifacts?: ArtifactStore;
}

export interface JobOutputs {
  /** Paths relative to `outputDir`, sorted. */
  files: string[];
  /** The parsed `metrics.json`, or null when the job wrote none. */
  metrics: Record<string, unknown> | null;
}

export interface JobResult {
  exitCode: number;
  logUri: string;
  outputs: JobOutputs;
  /** True when the job wrote its outputs to the store at `outputUri` itself, so they need no upload. */
  outputsInStore?: boolean;
}

/**
 * Runs a training job to completion. Implementations stream logs, heartbeat, kill the job
 * when `signal` aborts, clean up what an earlier attempt of the same `key` left behind, and
 * throw `TrainingFailedError` on a non-zero exit.
 */
export interface ContainerRunner {
  readonly kind: string;
  run(job: TrainingJob, context: JobContext): Promise<JobResult>;
}

const NAME_PART_MAX = 40;

function sanitize(value: string): string {
  const cleaned = value.toLowerCase().replace(/[^a-z0-9_.-]+/g, '_').replace(/^[^a-z0-9]+/, '');
  return cleaned.slice(0, NAME_PART_MAX) || 'x';
}

/**
 * Docker-safe names for one attempt. A short hash of the raw ids keeps two runs apart whose
 * ids only differ in characters that sanitising folds together.
 *
 * @example jobNames({ runId: 'manual__2024-05-01T00:00', taskId: 'train', attempt: 2 })
 * // { key: 'weir-manual__2024-05-01t00_00-train-1a2b3c4d', name: '...-a2' }
 */
export function jobNames(ids: { runId: string; taskId: string; attempt: number }): { key: string; name: string } {
  const hash = createHash('sha256').update(`${ids.runId}\0${ids.taskId}`).digest('hex').slice(0, 8);
  const key = `weir-${sanitize(ids.runId)}-${sanitize(ids.taskId)}-${hash}`;
  return { key, name: `${key}-a${ids.attempt}` };
}

/** `INPUT_<NAME>` variable name for an input. */
export function inputVariable(input: JobInput): string {
  const base = input.name ?? input.containerPath.split('/').filter(Boolean).pop() ?? 'input';
  const stem = input.name === undefined ? base.replace(/\.[^.]*$/, '') || base : base;
  return `INPUT_${stem.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}
