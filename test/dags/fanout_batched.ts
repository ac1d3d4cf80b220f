import { dag } from 'weir';
import { z } from 'zod';

/** A fan-out split into child workflows of 40 items, so tests exercise batching on small lists. */
export default dag({ id: 'fanout_batched', params: z.object({ n: z.number().int().min(0).default(250) }) })
  .task('numbers', async (ctx) => Array.from({ length: ctx.params.n }, (_, i) => i))
  .map('double', { over: 'numbers', batchSize: 40 }, async (ctx, value, index) => {
    if ('numbers' in ctx.outputs) throw new Error('the mapped list must not be repeated in every instance input');
    return value * 2 + (index - value);
  })
  .task('total', { needs: ['double'] }, async (ctx) => ctx.outputs.double.reduce((a, b) => a + b, 0));
