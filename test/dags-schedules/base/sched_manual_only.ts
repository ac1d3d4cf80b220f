import { dag } from 'weir';

/** No schedule: it must never get a Temporal Schedule. */
export default dag({ id: 'sched_manual_only' }).task('tick', async (ctx) => ctx.run.logicalDate);
