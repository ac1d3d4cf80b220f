import { dag } from 'weir';

export default dag({ id: 'flaky', defaults: { retries: 3, retryDelay: '100ms', backoff: 1 } })
  .task('sometimes', async (ctx) => {
    if (ctx.run.attempt < 3) throw new Error(`transient failure on attempt ${ctx.run.attempt}`);
    return { succeededOnAttempt: ctx.run.attempt };
  })
  .task('after', { needs: ['sometimes'] }, async (ctx) => ctx.outputs.sometimes.succeededOnAttempt);
