import { dag } from 'weir';
import { z } from 'zod';

export default dag({ id: 'branching', params: z.object({ side: z.enum(['left', 'right']).default('left') }) })
  .task('start', async (ctx) => ctx.params.side)
  .branch('choose', { needs: ['start'] }, (ctx) => ctx.outputs.start)
  .task('left', { needs: ['choose'] }, async () => 'L')
  .task('left_after', { needs: ['left'] }, async () => 'L2')
  .task('right', { needs: ['choose'] }, async () => 'R')
  .task('right_after', { needs: ['right'] }, async () => 'R2')
  .task('join', { needs: ['left_after', 'right_after'], triggerRule: 'none_failed_min_one_success' }, async (ctx) => Object.keys(ctx.outputs));
