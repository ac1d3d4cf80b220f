/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> on purpose:
   they must keep compiling after db/schema.ts moves on. */
import { type Kysely } from 'kysely';

/** Task log lines: what a task wrote with `ctx.log` and what its jobs printed, per attempt. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('task_logs')
    // An identity orders lines across batches and lets `weir logs --follow` ask for "after id N".
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('task_id', 'text', (col) => col.notNull())
    .addColumn('map_index', 'integer', (col) => col.notNull().defaultTo(-1))
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('logged_at', 'timestamptz', (col) => col.notNull())
    .addColumn('level', 'text', (col) => col.notNull())
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('attrs', 'jsonb')
    .execute();
  // Every read is "lines of a run (or one of its tasks) in order, after some id".
  await db.schema.createIndex('task_logs_run_idx').on('task_logs').columns(['run_id', 'task_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('task_logs').ifExists().execute();
}
