import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../plan/types.ts';
import { awaitReady, logTail, startLoggedProcess } from './await-ready.ts';
import { freePort, isPortFree } from './ports.ts';
import { resolveTemporalBinary } from './temporal-binary.ts';

export interface TemporalDevServerOptions {
  /** Front-end gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted. Ignored when headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in memory when omitted. */
  dbFile?: string;
  namespace?: string;
  headless?: boolean;
  /** Where the server's stdout and stderr go; a temp file when omitted. */
  logFile?: string;
  /** The temporal CLI to run; found with resolveTemporalBinary when omitted. */
  binary?: string;
  /** How long to wait for the server to serve. Default 60 s. */
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the front-end gRPC service, as TEMPORAL_ADDRESS expects it. */
  address: string;
  uiUrl: string | null;
  binary: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export class TemporalDevServerStartError extends Error {
  override readonly name = 'TemporalDevServerStartError';
  constructor(
    message: string,
    readonly address: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of ${logFile} ---\n${logTail}`);
  }
}

/** Every custom search attribute weir filters runs by; all are keywords. */
export const WEIR_SEARCH_ATTRIBUTE_NAMES: readonly string[] = Object.values(SEARCH_ATTRIBUTES);

const PORT_CLASH_RETRIES = 3;

/**
 * The dev server runs one history shard, so the transfer queue's read limit (20 loads a second,
 * burst 20) is the whole server's: a chain of quick tasks, whose every workflow task needs a load,
 * ran at full speed for half a second and then at one task per 50 ms. Persistence limits, which
 * that one guards, are already lifted on the dev server.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, number>> = { 'history.transferProcessorMaxPollRPS': 1000 };

/**
 * Starts `temporal server start-dev` and resolves once it answers gRPC health checks and
 * shows weir's search attributes. Reusing `dbFile` across starts keeps workflow history.
 *
 * @example
 * const server = await startTemporalDevServer({ dbFile: '.weir/temporal.db' });
 * // ... Connection.connect({ address: server.address }) ...
 * await server.stop();
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const binary = options.binary ?? (await resolveTemporalBinary());
  const logFile = options.logFile ?? path.join(await mkdtemp(path.join(tmpdir(), 'weir-temporal-')), 'server.log');
  await mkdir(path.dirname(logFile), { recursive: true });
  if (options.dbFile !== undefined) await mkdir(path.dirname(path.resolve(options.dbFile)), { recursive: true });

  // Ports we picked ourselves can be taken by someone else before the server binds them.
  const mayRetryPorts = options.port === undefined && (options.headless === true || options.uiPort === undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, logFile, options);
    } catch (error) {
      const clash = error instanceof TemporalDevServerStartError && /address already in use/i.test(error.message);
      if (!clash || !mayRetryPorts || attempt >= PORT_CLASH_RETRIES) throw error;
    }
  }
}

async function startOnce(binary: string, logFile: string, options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const headless = options.headless ?? false;
  const port = options.port ?? (await freePort());
  const uiPort = headless ? null : (options.uiPort ?? (await freePort()));
  const namespace = options.namespace ?? 'default';
  const address = `127.0.0.1:${port}`;
  // Checked up front: the health probe would otherwise reach whoever already owns the port
  // and call a server ready that exited at once.
  for (const [what, taken] of [['port', port], ['UI port', uiPort]] as const) {
    if (taken !== null && !(await isPortFree(taken))) {
      throw new TemporalDevServerStartError(
        `Cannot start the Temporal dev server: ${what} ${taken} on 127.0.0.1 is already in use (address already in use). ` +
          'Stop whatever listens there or choose another port.',
        address,
        logFile,
        '',
      );
    }
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  if (uiPort !== null) args.push('--ui-port', String(uiPort));
  if (headless) args.push('--headless');
  if (options.dbFile !== undefined) args.push('--db-filename', path.resolve(options.dbFile));
  args.push('--namespace', namespace, '--log-level', 'warn');
  for (const name of WEIR_SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${key}=${value}`);

  const server = startLoggedProcess(binary, args, { logFile });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const notReady = await awaitReady(server, () => servingProblem(address, namespace), { timeoutMs, intervalMs: 250 });
  if (notReady !== null) {
    await server.stop();
    const message =
      'exited' in notReady
        ? `Temporal dev server (${binary}) ${notReady.exited} before it was ready`
        : `Temporal dev server at ${address} did not become ready: timed out after ${timeoutMs} ms (${notReady.timedOut})`;
    throw new TemporalDevServerStartError(message, address, logFile, await logTail(logFile, 40));
  }

  const pid = server.child.pid;
  if (pid === undefined) throw new TemporalDevServerStartError('Temporal dev server has no pid', address, logFile, '');
  return {
    address,
    uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`,
    binary,
    pid,
    logFile,
    stop: server.stop,
  };
}

/**
 * Null once the front end reports SERVING and lists weir's search attributes, else what is
 * missing (or it throws): the CLI registers them after the port opens, and a worker started
 * in between would see "search attribute not defined" errors.
 */
async function servingProblem(address: string, namespace: string): Promise<string | null> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: '2s' });
    const health = await connection.healthService.check({});
    // 1 is SERVING in grpc.health.v1.HealthCheckResponse.ServingStatus.
    if (health.status !== 1) return `health status ${String(health.status)}`;
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = WEIR_SEARCH_ATTRIBUTE_NAMES.filter((name) => !(name in (customAttributes ?? {})));
    return missing.length === 0 ? null : `search attributes not registered yet: ${missing.join(', ')}`;
  } finally {
    await connection?.close().catch(() => {});
  }
}
