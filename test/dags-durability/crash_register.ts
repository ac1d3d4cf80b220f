import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';
import { registerModel } from 'weir/ops';
import { z } from 'zod';

/**
 * Registers a model, then, on its first attempt, announces the commit and hangs as if its
 * worker had died right after the database said yes. The retry must find the same version.
 */
export default dag({
  id: 'crash_register',
  params: z.object({ model: z.string(), committedMarker: z.string() }),
  defaults: { retries: 3, retryDelay: '200ms' },
})
  .task('train', async (ctx) => ({ modelUri: await ctx.services.artifacts.write(`runs/${ctx.run.runId}/model.bin`, `weights for ${ctx.params.model}`) }))
  .task('register', { needs: ['train'], heartbeatTimeout: '3s' }, async (ctx) => {
    const registered = await registerModel({
      model: ctx.params.model,
      artifact: ctx.outputs.train.modelUri,
      metrics: { accuracy: 0.9 },
      data: { path: 'memory://none', sha256: '0'.repeat(64) },
    })(ctx);
    if (ctx.run.attempt === 1) {
      await writeFile(ctx.params.committedMarker, JSON.stringify(registered));
      await sleep(600_000, undefined, { signal: ctx.signal });
    }
    return registered;
  });
