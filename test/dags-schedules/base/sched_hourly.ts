import { dag } from 'weir';

/** Hourly, one run at a time, no catchup: BUFFER_ONE and a one-minute catchup window. */
export default dag({ id: 'sched_hourly', schedule: '0 * * * *' }).task('tick', async (ctx) => ctx.run.logicalDate);
