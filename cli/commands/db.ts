import type { Command } from 'commander';
import { migrateToLatest } from '../../db/index.ts';
import type { ContextFor } from '../program.ts';

export function registerDbCommands(program: Command, contextFor: ContextFor): void {
  program
    .command('db')
    .description('the Postgres database (DATABASE_URL, or the dev stack)')
    .command('migrate')
    .description('apply pending migrations; running it again is harmless')
    .action(async (_options: unknown, command: Command) => {
      const context = contextFor(command);
      const { applied } = await migrateToLatest(await context.database());
      if (applied.length === 0) context.io.out('database is up to date');
      for (const name of applied) context.io.out(`applied ${name}`);
    });
}
