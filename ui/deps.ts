import type { Client } from '@temporalio/client';
import type { ArtifactStore } from '../artifacts/index.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Plan } from '../plan/types.ts';
import type { DagProblem } from '../sdk/errors.ts';

/** One DAG as the web view knows it: its plan and the file that defines it. */
export interface UiDagEntry {
  plan: Plan;
  /** Absolute path of the DAG file. */
  file: string;
  /**
   * The compiled module the isolated loader proved the DAG from (`loadDagPlans` sets it); the
   * params check imports it, never the file as it is now. Absent in catalogs built by hand.
   */
  modulePath?: string | undefined;
  /** Where the DAG's module sits in a bundle of many DAG files, when `modulePath` is one. */
  loaderIndex?: number | undefined;
}

/** The DAGs folder as last loaded: the DAGs that loaded, and every problem of the files that did not. */
export interface UiDagCatalog {
  dags: ReadonlyMap<string, UiDagEntry>;
  problems: readonly DagProblem[];
  files: readonly string[];
}

/** Gives the current catalog; an implementation may reload the folder when its files change. */
export type DagCatalogSource = () => Promise<UiDagCatalog>;

/**
 * Who may use the view and under which name they act. With neither `token` nor `proxyHeader`,
 * the server must listen on a loopback address only (see `checkExposure`).
 */
export interface UiAuthSettings {
  /** A shared secret every request must present (cookie from /login, or `Authorization: Bearer`). */
  token?: string | undefined;
  /** A header set by a trusted auth proxy that names the signed-in user, e.g. `X-Forwarded-User`. */
  proxyHeader?: string | undefined;
  /** The name recorded for actions when no proxy names the user (`--actor`, default $USER). */
  actor: string;
}

/** Everything the pages read through: the same clients the CLI uses, handed in, never global. */
export interface UiDeps {
  client: Client;
  db: Kysely<Database>;
  taskQueue: string;
  namespace: string;
  catalog: DagCatalogSource;
  /** Base URL of the Temporal Web UI, e.g. http://localhost:8233, for links to a run's history. */
  temporalUiUrl: string;
  auth: UiAuthSettings;
  /** The artifact store the workers write to; without it artifact links are shown but not served. */
  artifacts?: ArtifactStore;
}
