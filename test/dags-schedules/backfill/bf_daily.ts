import { dag } from 'weir';

/** Daily at midnight UTC; each task reports the run it belongs to. */
export default dag({ id: 'bf_daily', schedule: '@daily' }).task('report', async (ctx) => ({ logicalDate: ctx.run.logicalDate, runType: ctx.run.runType }));
