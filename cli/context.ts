import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { parseWeirEnv } from '../worker/config/index.ts';
import type { Database } from '../db/index.ts';
import type { DagPlanCatalog, DagPlanEntry, LoadedDag } from '../sdk/index.ts';
import { formatProblem } from '../sdk/errors.ts';
import type { TemporalSettings } from '../worker/config.ts';
import { CliError, UnknownDagError } from './errors.ts';
import type { CliIo } from './io.ts';
import { resolveDatabaseUrl, resolveTemporalSettings } from './stack-file.ts';

export interface GlobalOptions {
  dags: string;
  verbose: boolean;
  /** `--as <name>`: who acts, for the audit trail (default WEIR_ACTOR, then $USER). */
  as?: string | undefined;
}

/**
 * What a command needs, opened lazily and closed once: the DAG catalog, a Temporal client and
 * a database. A command that never touches Temporal never needs a server to be configured.
 */
export class CliContext {
  readonly dagsDir: string;
  readonly taskQueue: string;
  private catalogPromise: Promise<DagPlanCatalog> | undefined;
  private clientPromise: Promise<Client> | undefined;
  private settings: TemporalSettings | undefined;
  private dbPromise: Promise<Kysely<Database>> | undefined;

  private readonly actorFlag: string | undefined;

  constructor(
    readonly io: CliIo,
    globals: GlobalOptions,
  ) {
    this.dagsDir = path.resolve(io.cwd, globals.dags);
    this.actorFlag = globals.as?.trim() || undefined;
    this.taskQueue = parseWeirEnv(io.env).WEIR_TASK_QUEUE;
  }

  /** Base URL of Weir's web view (WEIR_WEB_URL), for the links runs carry back from the Temporal UI. */
  get webUrl(): string | undefined {
    return parseWeirEnv(this.io.env).WEIR_WEB_URL;
  }

  /** The per-file time limit of DAG loading (WEIR_DAG_LOAD_TIMEOUT_MS); the heap limit keeps its default. */
  get dagLoadLimits(): { fileTimeoutMs: number } {
    return { fileTimeoutMs: parseWeirEnv(this.io.env).WEIR_DAG_LOAD_TIMEOUT_MS };
  }

  /**
   * Who acts (triggers, clears, approves, cancels, pauses), for the audit trail: `--as`, else
   * WEIR_ACTOR, else $USER. The Temporal client names them as its identity too.
   */
  get actor(): string {
    return this.actorFlag || parseWeirEnv(this.io.env).WEIR_ACTOR?.trim() || this.io.env.USER || 'cli';
  }

  /**
   * The plans of the DAGs folder. DAG files' code runs in a separate process, and only files
   * whose content changed since the last command run again (see sdk/load.ts). Imported on use:
   * the loader brings esbuild, which commands without DAGs never need.
   */
  catalog(): Promise<DagPlanCatalog> {
    this.catalogPromise ??= import('../sdk/load.ts').then(({ loadDagPlans }) => loadDagPlans(this.dagsDir, { limits: this.dagLoadLimits }));
    return this.catalogPromise;
  }

  async requireDag(dagId: string): Promise<DagPlanEntry> {
    const catalog = await this.catalog();
    const loaded = catalog.dags.get(dagId);
    if (loaded) return loaded;
    throw new UnknownDagError(dagId, this.dagsDir, [...catalog.dags.keys()].sort(), catalog.problems.length);
  }

  /** The DAG with its task bodies: imports the one module the loading process proved. */
  async importDag(dagId: string): Promise<LoadedDag> {
    const { importProvenDag } = await import('../sdk/load.ts');
    const loaded = await importProvenDag(await this.requireDag(dagId));
    if ('problem' in loaded) throw new CliError(formatProblem(loaded.problem));
    return loaded;
  }

  /** Resolved once per command (a Temporal config file is read from disk); a refusal is thrown again on each call. */
  temporalSettings(): TemporalSettings {
    this.settings ??= resolveTemporalSettings(this.io.env, this.io.cwd);
    return this.settings;
  }

  client(): Promise<Client> {
    if (!this.clientPromise) {
      let settings: TemporalSettings;
      try {
        settings = this.temporalSettings();
      } catch (error) {
        return Promise.reject(error);
      }
      // Imported on use, like the database below: a command loads only the clients it needs.
      // Its identity names the actor, so Temporal records who started, cleared or cancelled a run.
      const actor = this.actor;
      this.clientPromise = Promise.all([import('../worker/temporal-connection.ts'), import('../control/acting-client.ts'), import('../control/run-actor.ts')]).then(async ([{ connectClient }, { clientActingAs }, { actorIdentity }]) =>
        clientActingAs(await connectClient(settings, this.io.env), actorIdentity(actor, 'cli')),
      );
    }
    return this.clientPromise;
  }

  database(): Promise<Kysely<Database>> {
    if (!this.dbPromise) {
      let url: string;
      try {
        url = resolveDatabaseUrl(this.io.env, this.io.cwd);
      } catch (error) {
        return Promise.reject(error);
      }
      this.dbPromise = import('../db/connection.ts').then(({ createDb }) => createDb(url, { maxConnections: 2 }));
    }
    return this.dbPromise;
  }

  async close(): Promise<void> {
    const [client, db] = await Promise.all([this.clientPromise?.catch(() => undefined), this.dbPromise?.catch(() => undefined)]);
    await Promise.allSettled([client?.connection.close(), db?.destroy()]);
  }
}
