import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A task used the database in a test run that has none. */
export class DatabaseNotConfiguredError extends Error {
  override readonly name = 'DatabaseNotConfiguredError';
  constructor() {
    super('this task uses Postgres (model registry, baselines), and this test run has none: set DATABASE_URL (or start `weir dev`) and run it again');
  }
}

/**
 * A database handle for test runs without Postgres: tasks that never query it run as usual,
 * and the first query of one that does fails with a message that says what to do.
 */
export function databaseNotConfigured(): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: () => Promise.reject(new DatabaseNotConfiguredError()),
    }),
  });
}
