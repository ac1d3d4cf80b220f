import { sql, type Kysely } from 'kysely';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { Database } from '../db/schema.ts';
import { digestArtifact } from './checksum.ts';
import { IdempotencyConflictError } from './errors.ts';
import type { ModelLineage } from './schema.ts';
import { toModelVersion, type ModelVersion } from './types.ts';
import { checkLineage, checkMetrics, checkModelName, checkNonEmpty } from './validate.ts';

export interface RegisterModelVersionInput {
  name: string;
  /** `file://` URI of the model file or directory; it must exist and not be empty. */
  artifactUri: string;
  metrics: Record<string, number>;
  params?: Record<string, unknown>;
  lineage: ModelLineage;
  /** Usually `${runId}:${taskId}`: a retry with the same key gets the same version back. */
  idempotencyKey: string;
  /** Recorded in the audit trail; defaults to the lineage's run id. */
  actor?: string;
}

export interface RegisteredVersion extends ModelVersion {
  /** False when the idempotency key found an earlier registration. */
  created: boolean;
}

/**
 * Registers a new version of a model (creating the model on first use) at stage `none`,
 * recording the artifact's sha256 so later corruption is detectable.
 *
 * @example
 * const v = await registerModelVersion(db, {
 *   name: 'churn', artifactUri: 'file:///artifacts/runs/r1/train/model.onnx',
 *   metrics: { auc: 0.91 }, params: { depth: 6 },
 *   lineage: { dagId: 'churn_retrain', runId: 'r1', dataPath: 'file:///data/train.parquet', dataSha256: '…', gitCommit: null },
 *   idempotencyKey: 'r1:register',
 * }); // v.version === 4
 */
export async function registerModelVersion(db: Kysely<Database>, input: RegisterModelVersionInput, options: { artifacts?: ArtifactStore } = {}): Promise<RegisteredVersion> {
  checkModelName(input.name);
  checkNonEmpty('idempotencyKey', input.idempotencyKey);
  checkMetrics(input.metrics);
  checkLineage(input.lineage);

  const earlier = await findByKey(db, input);
  if (earlier) return { ...earlier, created: false };

  // Hash outside the transaction: a big artifact must not hold the model's row lock for long.
  const digest = await digestArtifact(input.artifactUri, options.artifacts);
  try {
    return await db.transaction().execute(async (trx) => {
      await trx.insertInto('models').values({ name: input.name }).onConflict((oc) => oc.column('name').doNothing()).execute();
      // Serializes version allocation per model: concurrent registrations queue here.
      await trx.selectFrom('models').select('name').where('name', '=', input.name).forUpdate().executeTakeFirstOrThrow();
      const raced = await findByKey(trx, input);
      if (raced) return { ...raced, created: false };

      const { next } = await trx
        .selectFrom('model_versions')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
        .where('model_name', '=', input.name)
        .executeTakeFirstOrThrow();
      const row = await trx
        .insertInto('model_versions')
        .values({
          model_name: input.name,
          version: next,
          artifact_uri: input.artifactUri,
          sha256: digest.sha256,
          size_bytes: digest.sizeBytes,
          metrics: JSON.stringify(input.metrics),
          params: JSON.stringify(input.params ?? {}),
          lineage: JSON.stringify(input.lineage),
          idempotency_key: input.idempotencyKey,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('model_transitions')
        .values({ model_name: input.name, version: next, from_stage: null, to_stage: 'none', action: 'register', actor: input.actor ?? input.lineage.runId, reason: null, idempotency_key: null })
        .execute();
      return { ...toModelVersion(row), created: true };
    });
  } catch (error) {
    // The same key used at once for two different models: only one insert can win.
    if (isUniqueViolation(error, 'model_versions_idempotency_key_key')) {
      const winner = await findByKey(db, input);
      if (winner) return { ...winner, created: false };
    }
    throw error;
  }
}

async function findByKey(db: Kysely<Database>, input: RegisterModelVersionInput): Promise<ModelVersion | undefined> {
  const row = await db.selectFrom('model_versions').selectAll().where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
  if (!row) return undefined;
  const found = toModelVersion(row);
  if (found.name !== input.name || found.artifactUri !== input.artifactUri) {
    throw new IdempotencyConflictError(
      input.idempotencyKey,
      `registering ${found.name} v${found.version} from ${found.artifactUri}`,
      `registering ${input.name} from ${input.artifactUri}`,
    );
  }
  return found;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as { code?: unknown; constraint?: unknown } | null;
  return pgError?.code === '23505' && (constraint === undefined || pgError.constraint === constraint);
}
