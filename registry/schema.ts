import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * Tables of the model registry. Joined into the one `Database` interface in db/schema.ts; kept
 * here, free of imports from db/, so the registry owns its shape without an import cycle.
 */

export const MODEL_STAGES = ['none', 'staging', 'production', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** Why a transition row exists; rollback reconstructs the production history from it. */
export type TransitionAction = 'register' | 'transition' | 'promote' | 'rollback';

/** Where a model version came from: enough to rebuild it, or to find what it was trained on. */
export interface ModelLineage {
  dagId: string;
  runId: string;
  dataPath: string;
  dataSha256: string;
  gitCommit: string | null;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface ModelsTable {
  name: string;
  created_at: CreatedAt;
}

export interface ModelVersionsTable {
  model_name: string;
  version: number;
  artifact_uri: string;
  sha256: string;
  /** bigint: pg returns it as a string, so reads convert it. */
  size_bytes: ColumnType<string, number | string, never>;
  metrics: JSONColumnType<Record<string, number>>;
  params: JSONColumnType<Record<string, unknown>>;
  lineage: JSONColumnType<ModelLineage>;
  stage: ColumnType<ModelStage, ModelStage | undefined, ModelStage>;
  created_at: CreatedAt;
  idempotency_key: string;
}

/** Append-only: a trigger rejects UPDATE, DELETE and TRUNCATE. */
export interface ModelTransitionsTable {
  id: Generated<string>;
  model_name: string;
  version: number;
  from_stage: ModelStage | null;
  to_stage: ModelStage;
  action: TransitionAction;
  actor: string;
  reason: string | null;
  at: CreatedAt;
  idempotency_key: string | null;
}

export interface ModelAliasesTable {
  model_name: string;
  alias: string;
  version: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ModelRegistryTables {
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_transitions: ModelTransitionsTable;
  model_aliases: ModelAliasesTable;
}
