import { dag } from 'weir';
import { timedTask } from './_timed.ts';

/**
 * Twelve independent tasks in the pool `narrow` (the test worker serves it with a limit of 2)
 * and six on the run's own queue, all ready at once.
 */
let pooled = dag({ id: 'pooled' });
for (let i = 0; i < 12; i++) pooled = pooled.task(`narrow_${i}`, { queue: 'narrow' }, timedTask(300));
for (let i = 0; i < 6; i++) pooled = pooled.task(`free_${i}`, timedTask(1500));

export default pooled;
