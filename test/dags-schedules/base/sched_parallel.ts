import { dag } from 'weir';

/** Several runs may overlap, and missed intervals are caught up. */
export default dag({ id: 'sched_parallel', schedule: '@daily', timezone: 'America/New_York', maxActiveRuns: 3, catchup: true }).task(
  'tick',
  async (ctx) => ctx.run.logicalDate,
);
