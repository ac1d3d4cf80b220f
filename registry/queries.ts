import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import { digestArtifact } from './checksum.ts';
import { ArtifactChecksumMismatchError, ModelNotFoundError, ModelVersionNotFoundError } from './errors.ts';
import { toModelTransition, toModelVersion, type ModelDetails, type ModelSummary, type ModelTransition, type ModelVersion } from './types.ts';

type Db = Kysely<Database>;

/**
 * Every model with its production and latest version numbers, by name.
 *
 * @example
 * for (const m of await listModels(db)) console.log(m.name, m.productionVersion);
 */
export async function listModels(db: Db): Promise<ModelSummary[]> {
  const rows = await db
    .selectFrom('models as m')
    .leftJoin('model_versions as v', 'v.model_name', 'm.name')
    .select(['m.name', 'm.created_at'])
    .select((eb) => [
      sql<number | null>`max(v.version)`.as('latest_version'),
      sql<number | null>`max(v.version) filter (where v.stage = 'production')`.as('production_version'),
      eb.fn.count<string>('v.version').as('versions'),
    ])
    .groupBy(['m.name', 'm.created_at'])
    .orderBy('m.name')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    createdAt: row.created_at,
    productionVersion: row.production_version,
    latestVersion: row.latest_version,
    versions: Number(row.versions),
  }));
}

/**
 * A model with all its versions (oldest first) and aliases.
 *
 * @example
 * const { versions } = await getModel(db, 'churn');
 */
export async function getModel(db: Db, name: string): Promise<ModelDetails> {
  const model = await db.selectFrom('models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!model) throw new ModelNotFoundError(name);
  const [versions, aliases] = await Promise.all([
    db.selectFrom('model_versions').selectAll().where('model_name', '=', name).orderBy('version').execute(),
    db.selectFrom('model_aliases').select(['alias', 'version']).where('model_name', '=', name).orderBy('alias').execute(),
  ]);
  return {
    name: model.name,
    createdAt: model.created_at,
    versions: versions.map(toModelVersion),
    aliases: Object.fromEntries(aliases.map((row) => [row.alias, row.version])),
  };
}

/** One version, or ModelVersionNotFoundError. */
export async function getModelVersion(db: Db, name: string, version: number): Promise<ModelVersion> {
  const row = await db.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('version', '=', version).executeTakeFirst();
  if (!row) throw new ModelVersionNotFoundError(name, version);
  return toModelVersion(row);
}

/**
 * The version serving in production (the champion), or null when there is none yet, including
 * when the model was never registered: a first training run has no champion to beat.
 *
 * @example
 * const champion = await productionVersion(db, 'churn'); // { version: 3, ... } | null
 */
export async function productionVersion(db: Db, name: string): Promise<ModelVersion | null> {
  const row = await db.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('stage', '=', 'production').executeTakeFirst();
  return row ? toModelVersion(row) : null;
}

/**
 * The audit trail of a model, oldest first.
 *
 * @example
 * const trail = await modelHistory(db, 'churn'); // [{ action: 'register', ... }, { action: 'promote', ... }]
 */
export async function modelHistory(db: Db, name: string): Promise<ModelTransition[]> {
  const rows = await db.selectFrom('model_transitions').selectAll().where('model_name', '=', name).orderBy('id').execute();
  if (rows.length === 0 && !(await db.selectFrom('models').select('name').where('name', '=', name).executeTakeFirst())) {
    throw new ModelNotFoundError(name);
  }
  return rows.map(toModelTransition);
}

/**
 * Re-hashes a version's artifact and compares it with the registered sha256; call it before
 * serving or deploying. Throws ArtifactChecksumMismatchError on corruption and
 * ArtifactUnavailableError when the file is gone.
 *
 * @example
 * await verifyArtifact(db, 'churn', 3);
 */
export async function verifyArtifact(db: Db, name: string, version: number, artifacts?: ArtifactStore): Promise<ModelVersion> {
  const found = await getModelVersion(db, name, version);
  const { sha256 } = await digestArtifact(found.artifactUri, artifacts);
  if (sha256 !== found.sha256) throw new ArtifactChecksumMismatchError(name, version, found.artifactUri, found.sha256, sha256);
  return found;
}
