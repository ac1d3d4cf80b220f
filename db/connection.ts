import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export interface CreateDbOptions {
  /** Pool size; small by default because workers and the CLI each open their own pool. */
  maxConnections?: number;
}

/**
 * A Kysely instance over a pg Pool. Call `db.destroy()` when done, or the pool keeps
 * the process alive.
 *
 * @example
 * const db = createDb(process.env.DATABASE_URL!);
 * await db.selectFrom('dag_runs').selectAll().execute();
 */
export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.maxConnections ?? 5 });
  // An idle client losing its server (Postgres restart) must not crash the process.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
