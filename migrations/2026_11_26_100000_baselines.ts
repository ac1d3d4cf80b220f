/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> on purpose:
   they must keep compiling after db/schema.ts moves on. */
import { sql, type Kysely } from 'kysely';

/** Drift baselines: per-column statistics of a training file, linkable to a model version. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('baselines')
    // An identity gives a total order even for baselines saved in the same transaction.
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('model_version', 'text')
    .addColumn('dataset_path', 'text', (col) => col.notNull())
    .addColumn('dataset_sha256', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('stats', 'jsonb', (col) => col.notNull())
    .execute();
  // "Latest baseline of a model (version)" is the one lookup drift makes.
  await db.schema.createIndex('baselines_model_idx').on('baselines').columns(['model_name', 'model_version', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('baselines').ifExists().execute();
}
