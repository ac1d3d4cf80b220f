import { dag } from 'weir';
import { z } from 'zod';

/**
 * A dynamic fan-out of 10,000 instances: the interpreter must split it to stay within history
 * limits. Retries, because a loaded single-node dev server can drop an activity completion.
 */
export default dag({ id: 'fanout_10k', params: z.object({ n: z.number().int().min(0).default(10_000) }), defaults: { timeout: '1m', retries: 3, retryDelay: '1s' } })
  .task('items', async (ctx) => Array.from({ length: ctx.params.n }, (_, i) => i))
  .map('work', { over: 'items' }, async (_ctx, item) => item % 7)
  .task('sum', { needs: ['work'] }, async (ctx) => ctx.outputs.work.reduce((a, b) => a + b, 0));
