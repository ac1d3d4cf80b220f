import { dag } from 'weir';
import { z } from 'zod';

/**
 * Airflow's branch rules: `join` hangs directly off the branch and off `chosen`, so choosing
 * `chosen` leaves it to its trigger rule; `none` chooses nothing. `root_one_success` has no
 * upstream task, so it runs whatever its rule.
 */
export default dag({ id: 'branch_semantics', params: z.object({ choose: z.enum(['chosen', 'other', 'none']).default('chosen') }) })
  .task('root_one_success', { triggerRule: 'one_success' }, async () => 'root ran')
  .branch('route', {}, (ctx) => (ctx.params.choose === 'none' ? null : ctx.params.choose))
  .task('chosen', { needs: ['route'] }, async () => 'C')
  .task('other', { needs: ['route'] }, async () => 'O')
  .task('join', { needs: ['route', 'chosen'] }, async () => 'J')
  .task('after_all', { needs: ['join', 'other'], triggerRule: 'all_done_min_one_success' }, async () => 'A');
