import { dag } from 'weir';
import { z } from 'zod';

export default dag({ id: 'strict_params', params: z.object({ rows: z.number().int().positive(), table: z.string().min(1) }) })
  .task('use', async (ctx) => `${ctx.params.table}:${ctx.params.rows}`);
