import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { IdempotencyConflictError, InvalidModelInputError, InvalidTransitionError, ModelNotFoundError, ModelVersionNotFoundError, NoRollbackTargetError } from './errors.ts';
import { productionStack, rollbackTarget } from './production-history.ts';
import { MODEL_STAGES, type ModelStage, type TransitionAction } from './schema.ts';
import { toModelTransition, toModelVersion, type ModelTransition, type ModelVersion } from './types.ts';
import { checkModelName, checkNonEmpty, checkVersion } from './validate.ts';

type Trx = Transaction<Database>;

/** What a stage change did; a replay (same idempotency key) reports the original change. */
export interface StageChange {
  name: string;
  version: number;
  /** The production version this change archived, if any. */
  previousVersion: number | null;
  /** The audit rows written, in order. */
  transitions: ModelTransition[];
  /** True when the idempotency key matched an earlier change and nothing was written now. */
  replayed: boolean;
}

interface Audit {
  actor: string;
  reason?: string | undefined;
  idempotencyKey?: string | undefined;
}

export interface TransitionInput extends Audit {
  name: string;
  version: number;
  to: ModelStage;
}

export interface PromoteInput extends Audit {
  name: string;
  version: number;
  idempotencyKey: string;
}

export interface RollbackInput extends Audit {
  name: string;
  /** Restore this version instead of the one the audit trail names. */
  to?: number | undefined;
}

// The archive row of a promotion carries a derived key, so one key covers both rows.
const archiveKey = (key: string) => `${key}#archive`;

/**
 * Moves a version to another stage and records it. Moving to `production` is a promotion: the
 * current production version is archived in the same transaction.
 *
 * @example
 * await transition(db, { name: 'churn', version: 4, to: 'staging', actor: 'alice', reason: 'shadow traffic' });
 */
export async function transition(db: Kysely<Database>, input: TransitionInput): Promise<StageChange> {
  if (!MODEL_STAGES.includes(input.to)) throw new InvalidModelInputError('to', `"${String(input.to)}" is not one of ${MODEL_STAGES.join(', ')}`);
  if (input.to === 'production') return changeStage(db, input, 'promote');
  return changeStage(db, input, 'transition');
}

/**
 * Puts a version in production and archives the previous production version, in one
 * transaction that records both transitions. Safe to repeat with the same idempotency key.
 *
 * @example
 * await promoteModel(db, { name: 'churn', version: 4, actor: 'run-17', reason: 'beat champion on auc', idempotencyKey: 'run-17:promote' });
 */
export async function promoteModel(db: Kysely<Database>, input: PromoteInput): Promise<StageChange> {
  return changeStage(db, { ...input, to: 'production' }, 'promote');
}

/**
 * Restores the version that served in production before the current one, as the audit trail
 * records it, and archives the current one. `to` picks the version explicitly.
 *
 * @example
 * await rollbackModel(db, { name: 'churn', actor: 'alice', reason: 'p99 latency regression' });
 */
export async function rollbackModel(db: Kysely<Database>, input: RollbackInput): Promise<StageChange> {
  checkModelName(input.name);
  checkNonEmpty('actor', input.actor);
  if (input.to !== undefined) checkVersion(input.to);
  return db.transaction().execute(async (trx) => {
    await lockModel(trx, input.name);
    const replay = await replayed(trx, input, 'rollback', input.to, 'production');
    if (replay) return replay;

    const current = await currentProduction(trx, input.name);
    let target = input.to;
    if (target === undefined) {
      const history = await trx.selectFrom('model_transitions').selectAll().where('model_name', '=', input.name).orderBy('id').execute();
      target = rollbackTarget(productionStack(history.map(toModelTransition)), current?.version ?? null);
      if (target === undefined) throw new NoRollbackTargetError(input.name, 'no earlier production version in its history');
    }
    if (target === current?.version) throw new NoRollbackTargetError(input.name, `v${target} is already in production`);
    return moveToProduction(trx, await lockVersion(trx, input.name, target), current, 'rollback', input);
  });
}

async function changeStage(db: Kysely<Database>, input: TransitionInput, action: TransitionAction): Promise<StageChange> {
  checkModelName(input.name);
  checkVersion(input.version);
  checkNonEmpty('actor', input.actor);
  return db.transaction().execute(async (trx) => {
    await lockModel(trx, input.name);
    const replay = await replayed(trx, input, action, input.version, input.to);
    if (replay) return replay;

    const target = await lockVersion(trx, input.name, input.version);
    if (target.stage === input.to) throw new InvalidTransitionError(input.name, input.version, target.stage, input.to, `it is already in ${input.to}`);
    if (input.to === 'production') return moveToProduction(trx, target, await currentProduction(trx, input.name), action, input);

    await trx.updateTable('model_versions').set({ stage: input.to }).where('model_name', '=', input.name).where('version', '=', input.version).execute();
    const row = await record(trx, target, input.to, action, input, input.idempotencyKey ?? null);
    return { name: input.name, version: input.version, previousVersion: null, transitions: [row], replayed: false };
  });
}

async function moveToProduction(trx: Trx, target: ModelVersion, current: ModelVersion | null, action: TransitionAction, audit: Audit): Promise<StageChange> {
  const transitions: ModelTransition[] = [];
  // Archive first: the partial unique index allows one production row at any moment.
  if (current) {
    await trx.updateTable('model_versions').set({ stage: 'archived' }).where('model_name', '=', current.name).where('version', '=', current.version).execute();
    transitions.push(await record(trx, current, 'archived', action, audit, audit.idempotencyKey ? archiveKey(audit.idempotencyKey) : null));
  }
  await trx.updateTable('model_versions').set({ stage: 'production' }).where('model_name', '=', target.name).where('version', '=', target.version).execute();
  transitions.push(await record(trx, target, 'production', action, audit, audit.idempotencyKey ?? null));
  return { name: target.name, version: target.version, previousVersion: current?.version ?? null, transitions, replayed: false };
}

async function record(trx: Trx, from: ModelVersion, to: ModelStage, action: TransitionAction, audit: Audit, key: string | null): Promise<ModelTransition> {
  const row = await trx
    .insertInto('model_transitions')
    .values({ model_name: from.name, version: from.version, from_stage: from.stage, to_stage: to, action, actor: audit.actor, reason: audit.reason ?? null, idempotency_key: key })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toModelTransition(row);
}

/** Every stage change of a model queues on its row, so concurrent changes apply one by one. */
async function lockModel(trx: Trx, name: string): Promise<void> {
  const found = await trx.selectFrom('models').select('name').where('name', '=', name).forUpdate().executeTakeFirst();
  if (!found) throw new ModelNotFoundError(name);
}

async function lockVersion(trx: Trx, name: string, version: number): Promise<ModelVersion> {
  const row = await trx.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('version', '=', version).forUpdate().executeTakeFirst();
  if (!row) throw new ModelVersionNotFoundError(name, version);
  return toModelVersion(row);
}

async function currentProduction(trx: Trx, name: string): Promise<ModelVersion | null> {
  const row = await trx.selectFrom('model_versions').selectAll().where('model_name', '=', name).where('stage', '=', 'production').forUpdate().executeTakeFirst();
  return row ? toModelVersion(row) : null;
}

/** The earlier change made under this key, or undefined; a key reused for something else is an error. */
async function replayed(trx: Trx, input: Audit & { name: string }, action: TransitionAction, version: number | undefined, to: ModelStage): Promise<StageChange | undefined> {
  const key = input.idempotencyKey;
  if (key === undefined) return undefined;
  const rows = (await trx.selectFrom('model_transitions').selectAll().where('idempotency_key', 'in', [key, archiveKey(key)]).orderBy('id').execute()).map(toModelTransition);
  const main = rows.find((row) => row.idempotencyKey === key);
  if (!main) return undefined;
  if (main.name !== input.name || main.action !== action || main.toStage !== to || (version !== undefined && main.version !== version)) {
    const requested = `${action} of ${input.name}${version === undefined ? '' : ` v${version}`} to ${to}`;
    throw new IdempotencyConflictError(key, `${main.action} of ${main.name} v${main.version} to ${main.toStage}`, requested);
  }
  const archived = rows.find((row) => row.idempotencyKey === archiveKey(key));
  return { name: main.name, version: main.version, previousVersion: archived?.version ?? null, transitions: rows, replayed: true };
}
