import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { BaselineStats } from './types.ts';

/** One stored baseline; see migrations/2026_11_26_100000_baselines.ts. */
export interface BaselinesTable {
  /** bigint identity; pg returns it as a string. */
  id: Generated<string>;
  model_name: string;
  model_version: string | null;
  dataset_path: string;
  dataset_sha256: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  stats: JSONColumnType<BaselineStats>;
}

export interface BaselineTables {
  baselines: BaselinesTable;
}
