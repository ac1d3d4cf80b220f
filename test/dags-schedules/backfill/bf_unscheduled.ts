import { dag } from 'weir';

/** No schedule, so there is nothing to backfill. */
export default dag({ id: 'bf_unscheduled' }).task('report', async (ctx) => ctx.run.logicalDate);
