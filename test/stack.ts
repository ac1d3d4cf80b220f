import { inject } from 'vitest';

/** What test/global-setup.ts starts once for the whole integration run. */
export interface TestStack {
  /** host:port of the shared Temporal dev server (namespace `default`). */
  temporalAddress: string;
  /** Its Web UI, for browser tests. */
  temporalUiUrl: string;
  /** The temporal CLI, for tests that start a server of their own. */
  temporalBin: string;
  /** The shared server's SQLite file. Tests must not restart the shared server on it. */
  temporalDbFile: string;
  /** postgres:// URL of a migrated `weir` database. */
  databaseUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    temporalBin: string;
    temporalDbFile: string;
    databaseUrl: string;
  }
}

/**
 * The shared Temporal server and Postgres of an integration test run.
 *
 * @example
 * const { temporalAddress, databaseUrl } = testStack();
 */
export function testStack(): TestStack {
  return {
    temporalAddress: inject('temporalAddress'),
    temporalUiUrl: inject('temporalUiUrl'),
    temporalBin: inject('temporalBin'),
    temporalDbFile: inject('temporalDbFile'),
    databaseUrl: inject('databaseUrl'),
  };
}
