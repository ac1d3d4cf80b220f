import { dag } from 'weir';
import { heldTask } from './_timed.ts';

/** Nine independent tasks on the run's own queue, for the worker-wide activity limit (3 in the test). */
let nineWide = dag({ id: 'nine_wide', defaults: { timeout: '3m', retries: 2, retryDelay: '1s' } });
for (let i = 0; i < 9; i++) nineWide = nineWide.task(`t${i}`, heldTask({ group: 'wide', releaseAt: 4, atMostMs: 1500 }));

export default nineWide;
