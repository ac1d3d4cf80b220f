import path from 'node:path';
import { parsePools, PoolSpecError, type PoolLimit } from '../pools.ts';
import { ConfigError } from './errors.ts';
import { parseWeirEnv, type Env, type WeirEnv } from './schema.ts';
import { temporalSettingsFromEnv, type TemporalSettings } from './temporal.ts';

export { ConfigError } from './errors.ts';
export { parseWeirEnv, weirEnvSchema, type Env, type WeirEnv } from './schema.ts';
export { temporalSettingsFromEnv, type TemporalSettings } from './temporal.ts';
export { artifactSettingsFromEnv, artifactSettingsOf } from './artifact-settings.ts';

/** Everything a worker process needs, parsed and checked once at start. */
export interface WorkerSettings {
  temporal: TemporalSettings;
  databaseUrl: string;
  dagsDir: string;
  taskQueue: string;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  /** Extra task queues this worker serves with their own activity limits (WEIR_POOLS). */
  pools: PoolLimit[];
  /** How long Ctrl-C (or SIGTERM) lets running tasks finish before the worker stops (WEIR_SHUTDOWN_GRACE). */
  shutdownGraceMs: number;
  /** Base URL of the Temporal Web UI for links in notifications (WEIR_UI_URL). */
  uiUrl: string;
  /** The environment these settings came from (checked by the schema), for the services built from it and the secrets tasks declare. */
  env: Env;
}

/**
 * Reads the worker's settings from `env`. The dev stack's addresses fill in TEMPORAL_ADDRESS and
 * DATABASE_URL when the environment leaves them out.
 *
 * @example
 * const settings = workerSettingsFromEnv(process.env);
 */
export function workerSettingsFromEnv(env: Env, fallbacks: { temporalAddress?: string; databaseUrl?: string } = {}): WorkerSettings {
  const weir = parseWeirEnv(env);
  const databaseUrl = weir.DATABASE_URL ?? fallbacks.databaseUrl;
  if (!databaseUrl) throw new ConfigError('DATABASE_URL', 'not set; give a Postgres URL such as postgres://user:pass@host:5432/weir');
  return {
    temporal: temporalSettingsFromEnv(env, fallbacks.temporalAddress),
    databaseUrl,
    dagsDir: path.resolve(weir.WEIR_DAGS_DIR ?? 'dags'),
    taskQueue: weir.WEIR_TASK_QUEUE,
    maxConcurrentActivities: weir.WEIR_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: weir.WEIR_MAX_CONCURRENT_WORKFLOW_TASKS,
    pools: poolsOf(weir),
    shutdownGraceMs: weir.WEIR_SHUTDOWN_GRACE,
    uiUrl: weir.WEIR_UI_URL ?? 'http://localhost:8233',
    env,
  };
}

/** `WEIR_POOLS="gpu=1,io=4"`: the worker also serves task queues `gpu` and `io`, 1 and 4 activities at a time. */
export function poolsFromEnv(env: Env, taskQueue: string): PoolLimit[] {
  return poolsOf({ ...parseWeirEnv(env), WEIR_TASK_QUEUE: taskQueue });
}

function poolsOf(weir: WeirEnv): PoolLimit[] {
  try {
    return parsePools(weir.WEIR_POOLS, weir.WEIR_TASK_QUEUE);
  } catch (error) {
    if (error instanceof PoolSpecError) throw new ConfigError('WEIR_POOLS', error.message);
    throw error;
  }
}
