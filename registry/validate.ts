import { InvalidModelInputError } from './errors.ts';
import type { ModelLineage } from './schema.ts';

// Names end up in file paths, URLs and CLI arguments; keep them boring.
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function checkModelName(name: string): void {
  if (!MODEL_NAME.test(name)) {
    throw new InvalidModelInputError('name', `"${name}" must start with a letter or digit and use only letters, digits, "_", "." and "-" (at most 128)`);
  }
}

export function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1) throw new InvalidModelInputError('version', `${version} is not a whole number >= 1`);
}

export function checkNonEmpty(field: string, value: string): void {
  if (value.trim() === '') throw new InvalidModelInputError(field, 'must not be empty');
}

/** JSON has no NaN or Infinity; storing one would silently become null. */
export function checkMetrics(metrics: Record<string, number>): void {
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidModelInputError(`metrics.${key}`, `${String(value)} is not a finite number`);
  }
}

export function checkLineage(lineage: ModelLineage): void {
  for (const field of ['dagId', 'runId', 'dataPath', 'dataSha256'] as const) {
    if (typeof lineage[field] !== 'string' || lineage[field] === '') throw new InvalidModelInputError(`lineage.${field}`, 'must be a non-empty string');
  }
  if (lineage.gitCommit !== null && typeof lineage.gitCommit !== 'string') throw new InvalidModelInputError('lineage.gitCommit', 'must be a string or null');
}
