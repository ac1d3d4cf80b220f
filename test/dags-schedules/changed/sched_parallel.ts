import { dag } from 'weir';

/** base/sched_parallel.ts after its author removed the schedule. */
export default dag({ id: 'sched_parallel', maxActiveRuns: 3 }).task('tick', async (ctx) => ctx.run.logicalDate);
