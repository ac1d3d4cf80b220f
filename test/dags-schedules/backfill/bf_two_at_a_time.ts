import { dag } from 'weir';

/** At six in the morning, Berlin time; at most two runs open at once; each run takes a moment. */
export default dag({ id: 'bf_two_at_a_time', schedule: '0 6 * * *', timezone: 'Europe/Berlin', maxActiveRuns: 2 }).task('work', async () => {
  await new Promise((resolve) => setTimeout(resolve, 400));
  return 'done';
});
