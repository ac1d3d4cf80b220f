import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../plan/types.ts';
import { parsePools, PoolSpecError, type PoolLimit } from './pools.ts';

/** How to reach Temporal; read from the environment in production, from the dev stack on a laptop. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: { serverName?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | true;
}

export interface WorkerSettings {
  temporal: TemporalSettings;
  databaseUrl: string;
  dagsDir: string;
  taskQueue: string;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  /** Extra task queues this worker serves with their own activity limits (WEIR_POOLS). */
  pools: PoolLimit[];
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function temporalSettingsFromEnv(env: Env = process.env, fallbackAddress?: string): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS ?? fallbackAddress;
  if (!address) throw new ConfigError('TEMPORAL_ADDRESS', 'not set; point it at your Temporal frontend (host:7233), or run `weir dev`');
  const settings: TemporalSettings = { address, namespace: env.TEMPORAL_NAMESPACE ?? 'default' };
  if (env.TEMPORAL_API_KEY) settings.apiKey = env.TEMPORAL_API_KEY;
  const wantsTls = env.TEMPORAL_TLS === 'true' || env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_CA || settings.apiKey;
  if (wantsTls) {
    const read = (variable: string) => {
      const file = env[variable];
      if (!file) return undefined;
      try {
        return readFileSync(file);
      } catch (error) {
        throw new ConfigError(variable, `cannot read ${file}: ${(error as Error).message}`);
      }
    };
    const crt = read('TEMPORAL_TLS_CERT');
    const key = read('TEMPORAL_TLS_KEY');
    if ((crt && !key) || (key && !crt)) throw new ConfigError('TEMPORAL_TLS_KEY', 'mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY');
    const ca = read('TEMPORAL_TLS_CA');
    settings.tls = {
      ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverName: env.TEMPORAL_TLS_SERVER_NAME } : {}),
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    };
  }
  return settings;
}

export function workerSettingsFromEnv(env: Env = process.env, fallbacks: { temporalAddress?: string; databaseUrl?: string } = {}): WorkerSettings {
  const databaseUrl = env.DATABASE_URL ?? fallbacks.databaseUrl;
  if (!databaseUrl) throw new ConfigError('DATABASE_URL', 'not set; give a Postgres URL such as postgres://user:pass@host:5432/weir');
  const taskQueue = env.WEIR_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  return {
    temporal: temporalSettingsFromEnv(env, fallbacks.temporalAddress),
    databaseUrl,
    dagsDir: path.resolve(env.WEIR_DAGS_DIR ?? 'dags'),
    taskQueue,
    maxConcurrentActivities: positiveInt(env, 'WEIR_MAX_CONCURRENT_ACTIVITIES', 100),
    maxConcurrentWorkflowTasks: positiveInt(env, 'WEIR_MAX_CONCURRENT_WORKFLOW_TASKS', 40),
    pools: poolsFromEnv(env, taskQueue),
  };
}

/** `WEIR_POOLS="gpu=1,io=4"`: the worker also serves task queues `gpu` and `io`, 1 and 4 activities at a time. */
export function poolsFromEnv(env: Env, taskQueue: string): PoolLimit[] {
  try {
    return parsePools(env.WEIR_POOLS, taskQueue);
  } catch (error) {
    if (error instanceof PoolSpecError) throw new ConfigError('WEIR_POOLS', error.message);
    throw error;
  }
}

function positiveInt(env: Env, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(variable, `must be a whole number >= 1, got "${raw}"`);
  return value;
}
