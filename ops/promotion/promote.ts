import { getModelVersion, promoteModel, rollbackModel, verifyArtifact, type StageChange } from '../../registry/index.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { callDeployHook, type DeployHook } from './deploy-hook.ts';
import { failFastOnRegistryError } from './non-retryable.ts';
import { resolveOption, taskIdempotencyKey, type Resolve } from './task-options.ts';
import { requireServices } from '../runtime.ts';

/** What promote() and rollback() return: small JSON for downstream tasks. */
export interface ProductionChange {
  model: string;
  /** The version now in production. */
  version: number;
  /** The version it replaced, archived now; null when nothing was in production. */
  previousVersion: number | null;
  artifactUri: string;
  /** True when an earlier attempt of this task already made the change. */
  replayed: boolean;
  /** Whether the deploy hook was called (and answered 2xx). */
  deployed: boolean;
}

/** A gate verdict to quote in the promotion event, such as the output of evaluate(). */
export interface PromotionEvidence {
  reasons: string[];
  comparison?: { metric: string; greaterIsBetter: boolean; challenger: number | null; champion: number | null };
}

export interface PromoteOptions<P, U> {
  model: Resolve<P, U, string>;
  version: (ctx: TaskContext<P, U>) => number | Promise<number>;
  reason?: Resolve<P, U, string>;
  /** Called with `{ model, version, artifactUri }` once the change is committed. */
  deployHook?: DeployHook;
  /** The evaluation that justified it, quoted to the DAG's onPromotion callbacks. */
  evidence?: (ctx: TaskContext<P, U>) => PromotionEvidence | undefined;
}

export interface RollbackOptions<P, U> {
  model: Resolve<P, U, string>;
  /** A specific version to restore; by default the one that served before the current one. */
  to?: (ctx: TaskContext<P, U>) => number | undefined | Promise<number | undefined>;
  reason?: Resolve<P, U, string>;
  deployHook?: DeployHook;
}

/**
 * A task body that puts a version in production and archives the previous one, in one
 * transaction keyed by `${runId}:${taskId}` with the run id as actor, then tells the deploy
 * hook. A retried attempt never promotes twice; it replays the change and calls the hook again.
 *
 * @example
 * .task('promote', { needs: ['evaluate', 'register'], retries: 3 }, promote({
 *   model: 'churn',
 *   version: (ctx) => ctx.outputs.register.version,
 *   deployHook: { url: 'http://deployer.internal/models' },
 * }))
 */
export function promote<P, U>(options: PromoteOptions<P, U>): (ctx: TaskContext<P, U>) => Promise<ProductionChange> {
  return async (ctx) => {
    const { db, artifacts } = requireServices(ctx.services);
    const [model, version, reason] = await Promise.all([resolveOption(options.model, ctx), options.version(ctx), resolveOption(options.reason ?? 'promoted by a DAG run', ctx)]);
    // A corrupt artifact must never reach production.
    await verifyArtifact(db, model, version, artifacts).catch(failFastOnRegistryError);
    const change = await promoteModel(db, { name: model, version, actor: ctx.run.runId, reason, idempotencyKey: taskIdempotencyKey(ctx) }).catch(failFastOnRegistryError);
    const result = await announce(ctx, change, options.deployHook);
    const evidence = options.evidence?.(ctx);
    const compared = evidence?.comparison;
    ctx.emit('promotion', {
      model,
      version,
      ...(change.previousVersion === null ? {} : { previousVersion: change.previousVersion }),
      metrics: compared && compared.challenger !== null ? [{ metric: compared.metric, champion: compared.champion, challenger: compared.challenger, higherIsBetter: compared.greaterIsBetter }] : [],
      reasons: evidence?.reasons ?? [reason],
    });
    return result;
  };
}

/**
 * A task body that restores the previous production version (from the audit trail) or a
 * chosen one, archiving the current one; idempotent per task like promote().
 *
 * @example
 * .task('rollback', rollback({ model: 'churn', reason: 'error rate above 2%' }))
 */
export function rollback<P, U>(options: RollbackOptions<P, U>): (ctx: TaskContext<P, U>) => Promise<ProductionChange> {
  return async (ctx) => {
    const { db } = requireServices(ctx.services);
    const [model, to, reason] = await Promise.all([resolveOption(options.model, ctx), options.to?.(ctx), resolveOption(options.reason ?? 'rolled back by a DAG run', ctx)]);
    const change = await rollbackModel(db, { name: model, to, actor: ctx.run.runId, reason, idempotencyKey: taskIdempotencyKey(ctx) }).catch(failFastOnRegistryError);
    return announce(ctx, change, options.deployHook);
  };
}

async function announce<P, U>(ctx: TaskContext<P, U>, change: StageChange, hook: DeployHook | undefined): Promise<ProductionChange> {
  const { db } = requireServices(ctx.services);
  const { artifactUri } = await getModelVersion(db, change.name, change.version);
  ctx.log.info(change.replayed ? 'production change already made by an earlier attempt' : 'production version changed', {
    model: change.name,
    version: change.version,
    previousVersion: change.previousVersion,
  });
  if (hook) await callDeployHook(hook, { model: change.name, version: change.version, artifactUri }, { idempotencyKey: taskIdempotencyKey(ctx), signal: ctx.signal });
  return { model: change.name, version: change.version, previousVersion: change.previousVersion, artifactUri, replayed: change.replayed, deployed: hook !== undefined };
}
