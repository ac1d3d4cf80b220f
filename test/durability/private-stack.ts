import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDb, migrateToLatest } from '../../db/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../infra/embedded-postgres.ts';
import { freePort } from '../../infra/ports.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal-dev-server.ts';
import { closedPort, startTestSmtpServer, type TestSmtpServer } from '../../ops/notify/smtp-test-server.ts';
import { testStack } from '../stack.ts';

/** A Postgres of one test file's own, for outages the shared one must not suffer. */
export interface PrivatePostgres {
  /** Of a migrated `weir` database; the same across `stop()` and `start()`. */
  databaseUrl: string;
  /** Stops the server, as an outage would; its data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
}

/** A headless Temporal dev server of one test file's own, on a SQLite file in the stack's folder. */
export interface PrivateTemporal {
  address: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port and SQLite file: workflows live through the restart. */
  start(): Promise<void>;
}

/** A port that SMTP_URL names while nothing listens there, until `start()`. */
export interface PrivateSmtp {
  port: number;
  /** Starts a real test SMTP server and has it answer on `port`. */
  start(): Promise<TestSmtpServer>;
}

/**
 * One test file's own servers, environment and temp folder, all undone by `dispose()`.
 * WEIR_ARTIFACT_ROOT points into the folder until then.
 *
 * @example
 * const stack = await privateStack('weir-pg-down-');
 * const postgres = await stack.startPostgres();
 * // ... startTestWorker({ databaseUrl: postgres.databaseUrl }) ...
 * await stack.dispose();
 */
export async function privateStack(prefix: string): Promise<PrivateStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  // As root, Postgres runs as the `postgres` user, which must reach its data folder.
  await chmod(dir, 0o755);
  const stack = new PrivateStack(dir);
  await mkdir(stack.artifactRoot, { recursive: true });
  stack.setEnv('WEIR_ARTIFACT_ROOT', stack.artifactRoot);
  return stack;
}

export class PrivateStack {
  readonly artifactRoot: string;
  private readonly savedEnv = new Map<string, string | undefined>();
  private readonly cleanups: Array<() => Promise<void>> = [];

  constructor(readonly dir: string) {
    this.artifactRoot = path.join(dir, 'artifacts');
  }

  /** Sets an environment variable until `dispose()`, which restores what it was before. */
  setEnv(name: string, value: string): void {
    if (!this.savedEnv.has(name)) this.savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  }

  async startPostgres(): Promise<PrivatePostgres> {
    const dataDir = path.join(this.dir, 'postgres');
    let server: EmbeddedPostgresServer | undefined = await startEmbeddedPostgres({ dataDir });
    const { port, databaseUrl } = server;
    const stop = async () => {
      const running = server;
      server = undefined;
      await running?.stop();
    };
    this.cleanups.push(stop);
    const db = createDb(databaseUrl);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    return {
      databaseUrl,
      stop,
      async start() {
        server ??= await startEmbeddedPostgres({ dataDir, port });
      },
    };
  }

  async startTemporal(): Promise<PrivateTemporal> {
    const port = await freePort();
    const options = { binary: testStack().temporalBin, dbFile: path.join(this.dir, 'temporal.db'), headless: true, port, logFile: path.join(this.dir, 'temporal.log') };
    let server: TemporalDevServer | undefined = await startTemporalDevServer(options);
    const stop = async () => {
      const running = server;
      server = undefined;
      await running?.stop();
    };
    this.cleanups.push(stop);
    return {
      address: server.address,
      port,
      stop,
      async start() {
        server ??= await startTemporalDevServer(options);
      },
    };
  }

  /** Points SMTP_URL, with these credentials, at a port nothing listens on yet. */
  async closedSmtp(credentials: { user: string; password: string }): Promise<PrivateSmtp> {
    const port = await closedPort();
    this.setEnv('SMTP_URL', `smtp://${credentials.user}:${credentials.password}@127.0.0.1:${port}`);
    return {
      port,
      start: async () => {
        const smtp = await startTestSmtpServer(credentials);
        this.cleanups.push(() => smtp.close());
        const listener = await serveSmtpOn(port, smtp);
        this.cleanups.push(() => new Promise((resolve) => listener.close(() => resolve())));
        return smtp;
      },
    };
  }

  /** Stops what it started, last first, restores the environment and removes the folder. */
  async dispose(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
    for (const [name, value] of this.savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.savedEnv.clear();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Makes the real test SMTP server answer on `port`, the one SMTP_URL named while nothing
 * listened there: every connection is piped through to it, byte for byte.
 */
async function serveSmtpOn(port: number, smtp: TestSmtpServer): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(smtp.port, smtp.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.once('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
