import { dag } from 'weir';

/** Every minute: a ten-year backfill of it is 5.2 million runs. */
export default dag({ id: 'bf_minutely', schedule: '* * * * *' }).task('noop', async () => null);
