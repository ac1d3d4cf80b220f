import type { ModelStage } from './schema.ts';

/** Base of every registry failure, so callers can tell them from database outages. */
export class RegistryError extends Error {
  override readonly name: string = 'RegistryError';
}

export class ModelNotFoundError extends RegistryError {
  override readonly name = 'ModelNotFoundError';
  constructor(readonly modelName: string) {
    super(`model "${modelName}" is not registered`);
  }
}

export class ModelVersionNotFoundError extends RegistryError {
  override readonly name = 'ModelVersionNotFoundError';
  constructor(
    readonly modelName: string,
    readonly version: number,
  ) {
    super(`model "${modelName}" has no version ${version}`);
  }
}

/** Input the registry refuses before touching the database. */
export class InvalidModelInputError extends RegistryError {
  override readonly name = 'InvalidModelInputError';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`invalid ${field}: ${detail}`);
  }
}

/** The artifact cannot be read: a non-file URI, a missing path, or an empty file. */
export class ArtifactUnavailableError extends RegistryError {
  override readonly name = 'ArtifactUnavailableError';
  constructor(
    readonly uri: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`model artifact ${uri} ${reason}`, options);
  }
}

/** The artifact's bytes no longer match what was registered: corrupt or overwritten. */
export class ArtifactChecksumMismatchError extends RegistryError {
  override readonly name = 'ArtifactChecksumMismatchError';
  constructor(
    readonly modelName: string,
    readonly version: number,
    readonly uri: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      `artifact of ${modelName} v${version} is corrupt: ${uri} has sha256 ${actualSha256}, ` +
        `registered ${expectedSha256}; re-register the model from a good copy`,
    );
  }
}

/** An idempotency key reused for a different operation: a bug in the caller, not a retry. */
export class IdempotencyConflictError extends RegistryError {
  override readonly name = 'IdempotencyConflictError';
  constructor(
    readonly idempotencyKey: string,
    readonly existing: string,
    readonly requested: string,
  ) {
    super(`idempotency key "${idempotencyKey}" was already used for ${existing}, not ${requested}`);
  }
}

export class InvalidTransitionError extends RegistryError {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly modelName: string,
    readonly version: number,
    readonly from: ModelStage,
    readonly to: ModelStage,
    detail: string,
  ) {
    super(`cannot move ${modelName} v${version} from ${from} to ${to}: ${detail}`);
  }
}

export class NoRollbackTargetError extends RegistryError {
  override readonly name = 'NoRollbackTargetError';
  constructor(
    readonly modelName: string,
    detail: string,
  ) {
    super(`cannot roll back model "${modelName}": ${detail}`);
  }
}
