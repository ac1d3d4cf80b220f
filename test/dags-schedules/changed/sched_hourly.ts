import { dag } from 'weir';

/** base/sched_hourly.ts after its author changed the cron and the timezone. */
export default dag({ id: 'sched_hourly', schedule: '30 6 * * *', timezone: 'Europe/Berlin' }).task('tick', async (ctx) => ctx.run.logicalDate);
