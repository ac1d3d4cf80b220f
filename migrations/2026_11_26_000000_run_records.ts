/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> on purpose:
   they must keep compiling after db/schema.ts moves on. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dag_runs')
    .addColumn('run_id', 'text', (col) => col.primaryKey())
    .addColumn('dag_id', 'text', (col) => col.notNull())
    .addColumn('run_type', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('logical_date', 'timestamptz', (col) => col.notNull())
    .addColumn('params', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.createIndex('dag_runs_dag_id_started_at_idx').on('dag_runs').columns(['dag_id', 'started_at']).execute();
  // Listing recent runs across all DAGs is the CLI's default view.
  await db.schema.createIndex('dag_runs_started_at_idx').on('dag_runs').column('started_at').execute();

  await db.schema
    .createTable('task_runs')
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('map_index', 'integer', (col) => col.notNull().defaultTo(-1))
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('task_runs_pkey', ['run_id', 'task_id', 'map_index'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('task_runs').ifExists().execute();
  await db.schema.dropTable('dag_runs').ifExists().execute();
}
