import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    /** The migration that failed, or null when the migrator failed before running one. */
    readonly migrationName: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `2026_11_26_000000_run_records.ts` (or `.js` once compiled): the timestamp keeps Kysely's
 * alphabetical order right, and the name without its extension is what the database records.
 */
const MIGRATION_FILE = /^(\d{4}_\d{2}_\d{2}_\d{6}_[a-z0-9_]+)\.(ts|js)$/;

/** migrations/ beside this module's folder: the sources' own, or dist/migrations once compiled. */
export function migrationsFolder(): string {
  return fileURLToPath(new URL('../migrations', import.meta.url));
}

/**
 * Like Kysely's FileMigrationProvider, but the `import()` runs from this module. Kysely's
 * own import runs inside node_modules, where vitest's and tsx's TypeScript loaders may not
 * reach, and Node 20 cannot load a .ts file by itself.
 */
export class TypeScriptFolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string = migrationsFolder()) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.folder)).filter((file) => MIGRATION_FILE.test(file)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const loaded: unknown = await import(pathToFileURL(path.join(this.folder, file)).href);
      if (!isMigration(loaded)) {
        throw new MigrationError(`Migration ${file} does not export an up(db) function`, file);
      }
      migrations[(MIGRATION_FILE.exec(file) as RegExpExecArray)[1] as string] = loaded;
    }
    return migrations;
  }
}

function isMigration(value: unknown): value is Migration {
  return typeof value === 'object' && value !== null && typeof (value as { up?: unknown }).up === 'function';
}

/**
 * Applies every pending migration in `migrations/`. Safe to run on every start:
 * a second call applies nothing.
 *
 * @example
 * const { applied } = await migrateToLatest(db); // ['2026_11_26_000000_run_records']
 */
// The migrator only touches its own tables and ours through Kysely<any>, so any schema fits.
export async function migrateToLatest<DB>(db: Kysely<DB>, provider: MigrationProvider = new TypeScriptFolderMigrationProvider()): Promise<{ applied: string[] }> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  return { applied: checkResults(error, results) };
}

function checkResults(error: unknown, results: MigrationResultSet['results']): string[] {
  const failed = results?.find((result) => result.status === 'Error');
  if (failed !== undefined) {
    throw new MigrationError(
      `Migration ${failed.migrationName} failed: ${describe(error)}. Postgres rolled back the whole batch; fix the migration and run again.`,
      failed.migrationName,
      { cause: error },
    );
  }
  if (error !== undefined) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`Migrating the database failed: ${describe(error)}`, null, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
