import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';
import { promote, registerModel } from 'weir/ops';
import { z } from 'zod';

/** Holds a task until the test creates `file`, heartbeating so the wait is not a hang. */
async function holdUntilExists(file: string | undefined, ctx: { signal: AbortSignal; heartbeat(): void }): Promise<void> {
  if (file === undefined) return;
  while (!existsSync(file)) {
    ctx.heartbeat();
    await sleep(100, undefined, { signal: ctx.signal });
  }
}

/** Retries that outlast a database restart: a lost connection is retryable, with backoff. */
const registryRetries = { retries: 15, retryDelay: '500ms', backoff: 2, maxRetryDelay: '3s' } as const;

/**
 * Trains a tiny model, registers it and promotes it. `train` and `checkpoint` can each be held
 * until a file exists, so a test can take the registry's database away right before
 * registration or promotion.
 */
export default dag({
  id: 'registry_outage',
  params: z.object({ model: z.string(), releaseTrain: z.string().optional(), releaseCheckpoint: z.string().optional() }),
  defaults: { heartbeatTimeout: '10s', timeout: '5m' },
})
  .task('train', async (ctx) => {
    const modelUri = await ctx.services.artifacts.write(`runs/${ctx.run.runId}/model.bin`, `weights for ${ctx.params.model}`);
    await holdUntilExists(ctx.params.releaseTrain, ctx);
    return { modelUri };
  })
  .task(
    'register',
    { needs: ['train'], ...registryRetries },
    registerModel({
      model: (ctx) => ctx.params.model,
      artifact: (ctx) => ctx.outputs.train.modelUri,
      metrics: { accuracy: 0.9 },
      data: { path: 'memory://none', sha256: '0'.repeat(64) },
    }),
  )
  .task('checkpoint', { needs: ['register'] }, async (ctx) => {
    await holdUntilExists(ctx.params.releaseCheckpoint, ctx);
    return { version: ctx.outputs.register.version };
  })
  .task(
    'promote',
    { needs: ['register', 'checkpoint'], ...registryRetries },
    promote({ model: (ctx) => ctx.params.model, version: (ctx) => ctx.outputs.register.version, reason: 'passed the outage drill' }),
  );
