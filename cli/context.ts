import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { DEFAULT_TASK_QUEUE } from '../plan/types.ts';
import { createDb, type Database } from '../db/index.ts';
import type { DagCatalog, LoadedDag } from '../sdk/index.ts';
import { connectClient } from '../worker/temporal-connection.ts';
import type { TemporalSettings } from '../worker/config.ts';
import { UnknownDagError } from './errors.ts';
import type { CliIo } from './io.ts';
import { resolveDatabaseUrl, resolveTemporalSettings } from './stack-file.ts';

export interface GlobalOptions {
  dags: string;
  verbose: boolean;
}

/**
 * What a command needs, opened lazily and closed once: the DAG catalog, a Temporal client and
 * a database. A command that never touches Temporal never needs a server to be configured.
 */
export class CliContext {
  readonly dagsDir: string;
  readonly taskQueue: string;
  private catalogPromise: Promise<DagCatalog> | undefined;
  private clientPromise: Promise<Client> | undefined;
  private db: Kysely<Database> | undefined;

  constructor(
    readonly io: CliIo,
    globals: GlobalOptions,
  ) {
    this.dagsDir = path.resolve(io.cwd, globals.dags);
    this.taskQueue = io.env.WEIR_TASK_QUEUE || DEFAULT_TASK_QUEUE;
  }

  /** Who approves or pauses, for the audit trail. */
  get actor(): string {
    return this.io.env.USER || 'cli';
  }

  catalog(): Promise<DagCatalog> {
    // Imported on use: the loader brings esbuild, which commands without DAGs never need.
    this.catalogPromise ??= import('../sdk/load.ts').then(({ loadDagFolder }) => loadDagFolder(this.dagsDir));
    return this.catalogPromise;
  }

  async requireDag(dagId: string): Promise<LoadedDag> {
    const catalog = await this.catalog();
    const loaded = catalog.dags.get(dagId);
    if (loaded) return loaded;
    throw new UnknownDagError(dagId, this.dagsDir, [...catalog.dags.keys()].sort(), catalog.problems.length);
  }

  temporalSettings(): TemporalSettings {
    return resolveTemporalSettings(this.io.env, this.io.cwd);
  }

  client(): Promise<Client> {
    if (!this.clientPromise) {
      let settings: TemporalSettings;
      try {
        settings = this.temporalSettings();
      } catch (error) {
        return Promise.reject(error);
      }
      this.clientPromise = connectClient(settings);
    }
    return this.clientPromise;
  }

  database(): Kysely<Database> {
    this.db ??= createDb(resolveDatabaseUrl(this.io.env, this.io.cwd), { maxConnections: 2 });
    return this.db;
  }

  async close(): Promise<void> {
    const client = await this.clientPromise?.catch(() => undefined);
    await Promise.allSettled([client?.connection.close(), this.db?.destroy()]);
  }
}
