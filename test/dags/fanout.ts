import { dag } from 'weir';
import { z } from 'zod';

export default dag({ id: 'fanout', params: z.object({ n: z.number().int().min(0).default(200) }) })
  .task('numbers', async (ctx) => Array.from({ length: ctx.params.n }, (_, i) => i + 1))
  .map('square', { over: 'numbers' }, async (_ctx, value) => value * value)
  .task('total', { needs: ['square'] }, async (ctx) => ctx.outputs.square.reduce((a, b) => a + b, 0));
