import { dag } from 'weir';

/** Every minute: a ten-year backfill of it is 5.2 million runs, which must be refused, not listed. */
export default dag({ id: 'fault_minutely', schedule: '* * * * *', maxActiveRuns: 2 }).task('noop', async () => null);
