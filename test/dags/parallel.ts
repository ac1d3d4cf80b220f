import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';

const timed = async () => {
  const startedAt = Date.now();
  await sleep(1500);
  return { startedAt, endedAt: Date.now() };
};

export default dag({ id: 'parallel' })
  .task('a', timed)
  .task('b', timed)
  .task('c', timed)
  .task('join', { needs: ['a', 'b', 'c'] }, async (ctx) => ctx.outputs);
