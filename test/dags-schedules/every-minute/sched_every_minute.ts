import { dag } from 'weir';

/** Fires every minute, so a test can trigger the schedule and check the run it starts. */
export default dag({ id: 'sched_every_minute', schedule: '* * * * *' }).task('tick', async (ctx) => ({ logicalDate: ctx.run.logicalDate, runType: ctx.run.runType }));
