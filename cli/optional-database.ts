import type { CliContext } from './context.ts';
import { resolveDatabaseUrl } from './stack-file.ts';

/**
 * The database of DATABASE_URL or of a running `weir dev`, or undefined: test commands run
 * without one, and only tasks that query Postgres then fail (DatabaseNotConfiguredError).
 */
export function optionalDatabaseUrl(context: CliContext): string | undefined {
  try {
    return resolveDatabaseUrl(context.io.env, context.io.cwd);
  } catch {
    return undefined;
  }
}
