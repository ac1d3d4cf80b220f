import { dag } from 'weir';
import { z } from 'zod';

/** Strict params with defaults: a typo of a key or a value of the wrong type must be refused, never dropped. */
export default dag({
  id: 'fault_params',
  params: z.object({ n: z.number().int().min(1).default(1), label: z.string().default('x'), threshold: z.number().default(0.5) }),
}).task('use', async (ctx) => ({ n: ctx.params.n, label: ctx.params.label, threshold: ctx.params.threshold }));
