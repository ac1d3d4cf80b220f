/**
 * The model registry: versions with checksums and lineage, stages with an append-only audit
 * trail, promotion and rollback that keep at most one production version per model.
 */
export { registerModelVersion, type RegisterModelVersionInput, type RegisteredVersion } from './register.ts';
export { transition, promoteModel, rollbackModel, type StageChange, type TransitionInput, type PromoteInput, type RollbackInput } from './stages.ts';
export { getModel, getModelVersion, listModels, modelHistory, productionVersion, verifyArtifact } from './queries.ts';
export { setModelAlias, resolveModelAlias, ModelAliasNotFoundError } from './aliases.ts';
export { digestArtifact, artifactPath, type ArtifactDigest } from './checksum.ts';
export { productionStack, rollbackTarget } from './production-history.ts';
export {
  RegistryError,
  ModelNotFoundError,
  ModelVersionNotFoundError,
  InvalidModelInputError,
  ArtifactUnavailableError,
  ArtifactChecksumMismatchError,
  IdempotencyConflictError,
  InvalidTransitionError,
  NoRollbackTargetError,
} from './errors.ts';
export { MODEL_STAGES, type ModelStage, type ModelLineage, type TransitionAction, type ModelRegistryTables } from './schema.ts';
export type { ModelVersion, ModelTransition, ModelSummary, ModelDetails } from './types.ts';
