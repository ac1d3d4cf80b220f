import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { InvalidModelInputError, RegistryError } from './errors.ts';
import { getModelVersion } from './queries.ts';
import type { ModelVersion } from './types.ts';
import { checkModelName, checkVersion } from './validate.ts';

const ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;

export class ModelAliasNotFoundError extends RegistryError {
  override readonly name = 'ModelAliasNotFoundError';
  constructor(
    readonly modelName: string,
    readonly alias: string,
  ) {
    super(`model "${modelName}" has no alias "${alias}"`);
  }
}

/**
 * Points a named alias (such as `canary`) at a version, replacing where it pointed before.
 * Stages say where a version is in its life; aliases let deployments pin a version by name.
 *
 * @example
 * await setModelAlias(db, { name: 'churn', alias: 'canary', version: 5 });
 */
export async function setModelAlias(db: Kysely<Database>, input: { name: string; alias: string; version: number }): Promise<void> {
  checkModelName(input.name);
  checkVersion(input.version);
  if (!ALIAS.test(input.alias)) throw new InvalidModelInputError('alias', `"${input.alias}" must be lower-case letters, digits, "_" or "-"`);
  await getModelVersion(db, input.name, input.version);
  await db
    .insertInto('model_aliases')
    .values({ model_name: input.name, alias: input.alias, version: input.version })
    .onConflict((oc) => oc.columns(['model_name', 'alias']).doUpdateSet({ version: input.version, updated_at: new Date() }))
    .execute();
}

/** The version an alias points at. */
export async function resolveModelAlias(db: Kysely<Database>, name: string, alias: string): Promise<ModelVersion> {
  const row = await db.selectFrom('model_aliases').select('version').where('model_name', '=', name).where('alias', '=', alias).executeTakeFirst();
  if (!row) throw new ModelAliasNotFoundError(name, alias);
  return getModelVersion(db, name, row.version);
}
