import { dag } from 'weir';

/** Catches up missed intervals one run at a time. */
export default dag({ id: 'sched_catchup', schedule: '15 3 * * 1', catchup: true, maxActiveRuns: 1 }).task('tick', async (ctx) => ctx.run.logicalDate);
