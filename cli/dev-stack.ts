import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ensureDagsPythonDeps } from '../infra/python-deps.ts';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createDb, migrateToLatest, type Database } from '../db/index.ts';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.ts';
import { weirHome } from '../infra/project-root.ts';
import { resolveTemporalBinary } from '../infra/temporal-binary.ts';
import { startTemporalDevServer } from '../infra/temporal-dev-server.ts';
import { DEFAULT_TASK_QUEUE } from '../plan/types.ts';
import type { DagCatalog } from '../sdk/index.ts';
import { createWeirWorker } from '../worker/create-worker.ts';
import { connectClient, connectWorker } from '../worker/temporal-connection.ts';
import { CliError } from './errors.ts';
import { describeProcess, forgetDevProcesses, recordDevProcesses, stopDevOrphans } from './dev-orphans.ts';
import { ensurePostgresIdentity, LEGACY_PASSWORD, newPostgresIdentity, readPostgresIdentity, savePostgresIdentity } from './postgres-identity.ts';
import { isPortFree, freePort } from '../infra/ports.ts';
import { existsSync } from 'node:fs';
import { readLiveStackFile, removeStackFile, stackFilePath, writeStackFile } from './stack-file.ts';

export interface DevStackOptions {
  dagsDir: string;
  /** Folder whose `.weir/` holds the state; default the cwd. */
  cwd?: string;
  /** Temporal gRPC port. Default 7233. */
  port?: number;
  /** Temporal Web UI port. Default 8233. */
  uiPort?: number;
  taskQueue?: string;
  log?: (line: string) => void;
}

export interface DevStack {
  temporalAddress: string;
  /** Temporal Web UI, e.g. http://localhost:8233. */
  uiUrl: string;
  databaseUrl: string;
  taskQueue: string;
  client: Client;
  catalog: DagCatalog;
  /** Settles when the worker stops; rejects if it crashed. */
  workerDone: Promise<void>;
  /** Stops worker, Temporal and Postgres in that order and removes the stack file. Safe to call twice. */
  stop(): Promise<void>;
}

export class DevStackAlreadyRunningError extends CliError {
  constructor(
    readonly stackFile: string,
    readonly pid: number,
  ) {
    super(`a dev stack already runs from this folder (pid ${pid}, see ${stackFile}); stop it first, or use it as it is`);
    this.name = 'DevStackAlreadyRunningError';
  }
}

/**
 * Starts everything a laptop needs: the Temporal dev server (Web UI, SQLite under .weir/),
 * an embedded Postgres (migrated), and a worker that serves the DAGs folder and keeps its
 * schedules in sync. Writes .weir/stack.json so other `weir` commands find it.
 *
 * @example
 * const stack = await startDevStack({ dagsDir: 'dags' });
 * // ... weir trigger nightly_report ...
 * await stack.stop();
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? ((line: string) => console.log(line));
  const home = weirHome(cwd);
  const running = readLiveStackFile(cwd);
  if (running) throw new DevStackAlreadyRunningError(stackFilePath(cwd), running.pid);
  quietTemporalRuntime();

  // Undo steps, run in reverse on stop or when a later step fails.
  const undo: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (undo.length > 0) await undo.pop()?.().catch((error: unknown) => log(`while stopping: ${(error as Error).message}`));
  };

  try {
    // A `weir dev` killed with SIGKILL leaves its servers and jobs running: stop them first.
    for (const line of await stopDevOrphans(home)) log(line);
    const weirProcess = await describeProcess(process.pid);
    recordDevProcesses(home, { weir: weirProcess });
    undo.push(async () => forgetDevProcesses(home));

    const binary = await resolveTemporalBinary({ install: true, log });
    await ensureDagsPythonDeps(options.dagsDir, log);
    const postgres = await postgresSettings(home, log);
    log('starting Temporal and Postgres...');
    const [temporalStart, postgresStart] = await Promise.allSettled([
      startTemporalDevServer({
        binary,
        port: options.port ?? 7233,
        uiPort: options.uiPort ?? 8233,
        dbFile: path.join(home, 'temporal.db'),
        logFile: path.join(home, 'temporal.log'),
      }),
      startEmbeddedPostgres({ dataDir: postgres.dataDir, port: postgres.port, password: postgres.password, ...(postgres.currentPassword ? { currentPassword: postgres.currentPassword } : {}), stopLeftoverServer: true }),
    ]);
    if (temporalStart.status === 'fulfilled') {
      undo.push(() => temporalStart.value.stop());
      recordDevProcesses(home, { weir: weirProcess, temporal: await describeProcess(temporalStart.value.pid) });
    }
    if (postgresStart.status === 'fulfilled' && postgres.currentPassword) savePostgresIdentity(home, { port: postgres.port, password: postgres.password });
    if (postgresStart.status === 'fulfilled') undo.push(() => postgresStart.value.stop());
    if (temporalStart.status === 'rejected') throw temporalStart.reason;
    if (postgresStart.status === 'rejected') throw postgresStart.reason;
    const temporal = temporalStart.value;
    const { databaseUrl } = postgresStart.value;

    const db = createDb(databaseUrl);
    undo.push(() => db.destroy());
    await migrateDatabase(db, log);

    const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
    const settings = { address: temporal.address, namespace: 'default' };
    const client = await connectClient(settings);
    undo.push(() => client.connection.close());
    const connection = await connectWorker(settings);
    undo.push(() => connection.close());
    const weir = await createWeirWorker({ connection, namespace: 'default', taskQueue, dagsDir: options.dagsDir, db, scheduleClient: client, log, watchDags: true });
    const { catalog } = weir;
    // runAll, not the SDK worker's run: on stop it also closes the DAG folder watcher and writes
    // the task reports still waiting for their batch, before the database below is closed.
    const workerDone = weir.runAll();
    // The stop sequence awaits it; this only keeps an early crash from being unhandled.
    workerDone.catch(() => {});
    undo.push(async () => {
      weir.shutdownAll();
      await workerDone.catch((error: unknown) => log(`worker stopped with an error: ${(error as Error).message}`));
    });

    const uiUrl = (temporal.uiUrl ?? `http://127.0.0.1:${options.uiPort ?? 8233}`).replace('127.0.0.1', 'localhost');
    writeStackFile(cwd, { temporalAddress: temporal.address, uiUrl, databaseUrl, pid: process.pid });
    undo.push(async () => removeStackFile(cwd));

    let stopping: Promise<void> | undefined;
    return {
      temporalAddress: temporal.address,
      uiUrl,
      databaseUrl,
      taskQueue,
      client,
      catalog,
      workerDone,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface DevPostgresSettings {
  dataDir: string;
  port: number;
  password: string;
  /** Set when the cluster still has the fixed password older versions gave every stack. */
  currentPassword?: string;
}

/**
 * The folder's own Postgres port and password (`.weir/postgres.json`, mode 0600), so
 * DATABASE_URL stays true across restarts. A port someone else took meanwhile is replaced, with a line saying so.
 */
async function postgresSettings(home: string, log: (line: string) => void): Promise<DevPostgresSettings> {
  const dataDir = path.join(home, 'postgres');
  const legacy = readPostgresIdentity(home) === null && existsSync(path.join(dataDir, 'PG_VERSION'));
  // An older cluster keeps its password until the new one is set in it; only then is it saved.
  const identity = legacy ? await newPostgresIdentity() : await ensurePostgresIdentity(home);
  if (!(await isPortFree(identity.port))) {
    const port = await freePort();
    log(`Postgres port ${identity.port} of this folder is taken by another program; using ${port} from now on (DATABASE_URL changes)`);
    identity.port = port;
    if (!legacy) savePostgresIdentity(home, identity);
  }
  return { dataDir, port: identity.port, password: identity.password, ...(legacy ? { currentPassword: LEGACY_PASSWORD } : {}) };
}

async function migrateDatabase(db: Kysely<Database>, log: (line: string) => void): Promise<void> {
  const { applied } = await migrateToLatest(db);
  for (const name of applied) log(`applied migration ${name}`);
}

/** The SDK logs every worker state change at INFO; on a laptop only warnings are worth a line. */
function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by the embedding program: keep its choice.
  }
}
