import { dag } from 'weir';
import { email, emailOn, promote, registerModel } from 'weir/ops';
import { z } from 'zod';

const TEAM = ['ml-team@weir.local'];

/**
 * Trains, registers and promotes a tiny model, and mails a report, with every run event
 * mailed through the worker's SMTP_URL too. The promotion event is sent while the report task
 * may still be retrying, so an SMTP outage hits a task and a callback at the same time.
 */
export default dag({
  id: 'mail_outage',
  params: z.object({ model: z.string() }),
  defaults: { timeout: '2m' },
  callbacks: { onFailure: emailOn({ to: TEAM }), onSuccess: emailOn({ to: TEAM }), onPromotion: emailOn({ to: TEAM }) },
})
  .task('train', async (ctx) => ({
    modelUri: await ctx.services.artifacts.write(`runs/${ctx.run.runId}/model.bin`, `weights for ${ctx.params.model}`),
    accuracy: 0.93,
  }))
  .task(
    'register',
    { needs: ['train'] },
    registerModel({
      model: (ctx) => ctx.params.model,
      artifact: (ctx) => ctx.outputs.train.modelUri,
      metrics: (ctx) => ({ accuracy: ctx.outputs.train.accuracy }),
      data: { path: 'memory://none', sha256: '0'.repeat(64) },
    }),
  )
  .task('promote', { needs: ['register'] }, promote({ model: (ctx) => ctx.params.model, version: (ctx) => ctx.outputs.register.version }))
  .task(
    'report',
    { needs: ['train'], retries: 40, retryDelay: '500ms', backoff: 1.5, maxRetryDelay: '2s' },
    email({
      to: TEAM,
      subject: (ctx) => `[weir] report for ${ctx.params.model}`,
      text: (ctx) => `Run ${ctx.run.runId} trained ${ctx.params.model} to accuracy ${ctx.outputs.train.accuracy}.`,
    }),
  );
