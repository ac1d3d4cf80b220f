import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';

/** Tasks that run until cancelled; the signal ends them promptly. */
export default dag({ id: 'slow' })
  .task('long_a', async (ctx) => {
    await sleep(120_000, undefined, { signal: ctx.signal });
    return 'finished';
  })
  .task('long_b', async (ctx) => {
    await sleep(120_000, undefined, { signal: ctx.signal });
    return 'finished';
  })
  .task('after', { needs: ['long_a', 'long_b'] }, async () => 'after');
