import type { Selectable } from 'kysely';
import type { ModelLineage, ModelStage, ModelTransitionsTable, ModelVersionsTable, TransitionAction } from './schema.ts';

/** One registered version of a model, as the API returns it. */
export interface ModelVersion {
  name: string;
  version: number;
  stage: ModelStage;
  artifactUri: string;
  sha256: string;
  sizeBytes: number;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  lineage: ModelLineage;
  createdAt: Date;
  idempotencyKey: string;
}

/** One row of the audit trail. */
export interface ModelTransition {
  id: number;
  name: string;
  version: number;
  fromStage: ModelStage | null;
  toStage: ModelStage;
  action: TransitionAction;
  actor: string;
  reason: string | null;
  at: Date;
  idempotencyKey: string | null;
}

export interface ModelSummary {
  name: string;
  createdAt: Date;
  productionVersion: number | null;
  latestVersion: number | null;
  versions: number;
}

export interface ModelDetails {
  name: string;
  createdAt: Date;
  /** Oldest first. */
  versions: ModelVersion[];
  /** alias -> version */
  aliases: Record<string, number>;
}

export function toModelVersion(row: Selectable<ModelVersionsTable>): ModelVersion {
  return {
    name: row.model_name,
    version: row.version,
    stage: row.stage,
    artifactUri: row.artifact_uri,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    metrics: row.metrics,
    params: row.params,
    lineage: row.lineage,
    createdAt: row.created_at,
    idempotencyKey: row.idempotency_key,
  };
}

export function toModelTransition(row: Selectable<ModelTransitionsTable>): ModelTransition {
  return {
    id: Number(row.id),
    name: row.model_name,
    version: row.version,
    fromStage: row.from_stage,
    toStage: row.to_stage,
    action: row.action,
    actor: row.actor,
    reason: row.reason,
    at: row.at,
    idempotencyKey: row.idempotency_key,
  };
}
