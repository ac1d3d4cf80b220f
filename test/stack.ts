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
  /** http:// endpoint of the shared S3-compatible server (versitygw); use path-style addressing. */
  s3Endpoint: string;
  s3AccessKey: string;
  s3SecretKey: string;
  /** A bucket that exists; tests use a unique prefix in it. */
  s3Bucket: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    temporalBin: string;
    temporalDbFile: string;
    databaseUrl: string;
    s3Endpoint: string;
    s3AccessKey: string;
    s3SecretKey: string;
    s3Bucket: string;
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
    s3Endpoint: inject('s3Endpoint'),
    s3AccessKey: inject('s3AccessKey'),
    s3SecretKey: inject('s3SecretKey'),
    s3Bucket: inject('s3Bucket'),
  };
}
