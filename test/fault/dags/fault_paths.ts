import { dag } from 'weir';
import { detectDrift, validateData } from 'weir/ops';
import { z } from 'zod';

/**
 * The same file, given by the trigger, to each reader of data: the validation and drift
 * operators (data roots) and the artifact store (its root). Nothing outside them may be read,
 * nothing that is not a regular file may be opened.
 */
export default dag({ id: 'fault_paths', params: z.object({ file: z.string(), baseline: z.string() }) })
  .task('validate', validateData({ file: (ctx) => ctx.params.file, expectations: { rowCount: { min: 1 } } }))
  .task('drift', detectDrift({ current: (ctx) => ctx.params.file, baseline: (ctx) => ({ modelName: ctx.params.baseline }) }))
  .task('artifact', async (ctx) => ({ bytes: (await ctx.services.artifacts.readText(ctx.params.file)).length }));
