import { dag } from 'weir';
import { heldTask } from './_timed.ts';

/**
 * Twelve independent tasks in the pool `narrow` (the test worker serves it with a limit of 2)
 * and six on the run's own queue, all ready at once. A pool task would release early only if
 * 3 ran together; the six others release once all six run together.
 */
let pooled = dag({ id: 'pooled', defaults: { timeout: '3m', retries: 2, retryDelay: '1s' } });
for (let i = 0; i < 12; i++) pooled = pooled.task(`narrow_${i}`, { queue: 'narrow' }, heldTask({ group: 'narrow', releaseAt: 3, atMostMs: 1000 }));
for (let i = 0; i < 6; i++) pooled = pooled.task(`free_${i}`, heldTask({ group: 'free', releaseAt: 6, atMostMs: 60_000 }));

export default pooled;
