import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { BaselineNotFoundError } from './errors.ts';
import type { BaselinesTable } from './tables.ts';
import type { BaselineStats } from './types.ts';

export interface BaselineRecord {
  id: string;
  modelName: string;
  modelVersion: string | null;
  datasetPath: string;
  datasetSha256: string;
  createdAt: Date;
  stats: BaselineStats;
}

export interface NewBaseline {
  modelName: string;
  modelVersion?: string | null;
  datasetPath: string;
  datasetSha256: string;
  stats: BaselineStats;
}

/**
 * Which baseline to use: an exact id, or the newest for a model (optionally for one version).
 * Saving again never overwrites; the newest wins, older ones stay for audit.
 */
export type BaselineRef = { id: string } | { modelName: string; modelVersion?: string };

/**
 * Stores a computed baseline and returns it with its id.
 *
 * @example
 * const saved = await saveBaseline(db, { modelName: 'churn', ...(await computeBaseline('train.parquet')) });
 */
export async function saveBaseline(db: Kysely<Database>, baseline: NewBaseline): Promise<BaselineRecord> {
  const row = await db
    .insertInto('baselines')
    .values({
      model_name: baseline.modelName,
      model_version: baseline.modelVersion ?? null,
      dataset_path: baseline.datasetPath,
      dataset_sha256: baseline.datasetSha256,
      stats: JSON.stringify(baseline.stats),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

/** The baseline `ref` names; throws BaselineNotFoundError (non-retryable) when there is none. */
export async function loadBaseline(db: Kysely<Database>, ref: BaselineRef): Promise<BaselineRecord> {
  const found = await findBaseline(db, ref);
  if (found) return found;
  if ('id' in ref) throw new BaselineNotFoundError(undefined, undefined, ref.id);
  throw new BaselineNotFoundError(ref.modelName, ref.modelVersion, undefined);
}

export async function findBaseline(db: Kysely<Database>, ref: BaselineRef): Promise<BaselineRecord | undefined> {
  let query = db.selectFrom('baselines').selectAll();
  if ('id' in ref) {
    // A non-numeric id cannot match a bigint; asking Postgres would only raise a cast error.
    if (!/^\d{1,18}$/.test(ref.id)) return undefined;
    query = query.where('id', '=', ref.id);
  } else {
    query = query.where('model_name', '=', ref.modelName);
    if (ref.modelVersion !== undefined) query = query.where('model_version', '=', ref.modelVersion);
  }
  const row = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Ties a stored baseline to a model version, e.g. once training has registered that version. */
export async function linkBaseline(db: Kysely<Database>, id: string, modelVersion: string): Promise<BaselineRecord> {
  if (!/^\d{1,18}$/.test(id)) throw new BaselineNotFoundError(undefined, undefined, id);
  const row = await db.updateTable('baselines').set({ model_version: modelVersion }).where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) throw new BaselineNotFoundError(undefined, undefined, id);
  return toRecord(row);
}

function toRecord(row: Selectable<BaselinesTable>): BaselineRecord {
  return {
    id: String(row.id),
    modelName: row.model_name,
    modelVersion: row.model_version,
    datasetPath: row.dataset_path,
    datasetSha256: row.dataset_sha256,
    createdAt: row.created_at,
    stats: row.stats,
  };
}
