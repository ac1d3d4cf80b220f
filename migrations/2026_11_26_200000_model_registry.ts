/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> on purpose:
   they must keep compiling after db/schema.ts moves on. */
import { sql, type Kysely } from 'kysely';

const STAGES = sql`('none', 'staging', 'production', 'archived')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('models')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('model_name', 'text', (col) => col.notNull().references('models.name'))
    .addColumn('version', 'integer', (col) => col.notNull().check(sql`version >= 1`))
    .addColumn('artifact_uri', 'text', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('size_bytes', 'bigint', (col) => col.notNull())
    .addColumn('metrics', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('params', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('lineage', 'jsonb', (col) => col.notNull())
    .addColumn('stage', 'text', (col) => col.notNull().defaultTo('none').check(sql`stage in ${STAGES}`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // `${runId}:${taskId}`: a retried registering task finds its version instead of adding one.
    .addColumn('idempotency_key', 'text', (col) => col.notNull().unique())
    .addPrimaryKeyConstraint('model_versions_pkey', ['model_name', 'version'])
    .execute();

  // The invariant every promotion relies on, held by the database rather than by code paths.
  await sql`create unique index model_versions_one_production_idx on model_versions (model_name) where stage = 'production'`.execute(db);

  await db.schema
    .createTable('model_transitions')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    // Null only on the row that records the registration itself.
    .addColumn('from_stage', 'text', (col) => col.check(sql`from_stage in ${STAGES}`))
    .addColumn('to_stage', 'text', (col) => col.notNull().check(sql`to_stage in ${STAGES}`))
    .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('register', 'transition', 'promote', 'rollback')`))
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`clock_timestamp()`))
    .addColumn('idempotency_key', 'text', (col) => col.unique())
    .addForeignKeyConstraint('model_transitions_version_fkey', ['model_name', 'version'], 'model_versions', ['model_name', 'version'])
    .execute();
  await db.schema.createIndex('model_transitions_model_idx').on('model_transitions').columns(['model_name', 'id']).execute();

  // An audit trail the application could rewrite is no audit trail: reject changes in the database.
  await sql`
    create function weir_model_transitions_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'model_transitions is append-only: % is not allowed', tg_op
        using errcode = 'raise_exception', hint = 'record a new transition instead';
    end
    $$`.execute(db);
  await sql`
    create trigger model_transitions_no_update_delete before update or delete on model_transitions
    for each row execute function weir_model_transitions_append_only()`.execute(db);
  await sql`
    create trigger model_transitions_no_truncate before truncate on model_transitions
    for each statement execute function weir_model_transitions_append_only()`.execute(db);

  await db.schema
    .createTable('model_aliases')
    .addColumn('model_name', 'text', (col) => col.notNull())
    .addColumn('alias', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('model_aliases_pkey', ['model_name', 'alias'])
    .addForeignKeyConstraint('model_aliases_version_fkey', ['model_name', 'version'], 'model_versions', ['model_name', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('model_aliases').ifExists().execute();
  await db.schema.dropTable('model_transitions').ifExists().execute();
  await sql`drop function if exists weir_model_transitions_append_only()`.execute(db);
  await db.schema.dropTable('model_versions').ifExists().execute();
  await db.schema.dropTable('models').ifExists().execute();
}
