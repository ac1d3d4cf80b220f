import { dag } from 'weir';
import { timedTask } from './_timed.ts';

/** Nine independent tasks on the run's own queue, for the worker-wide activity limit. */
let nineWide = dag({ id: 'nine_wide' });
for (let i = 0; i < 9; i++) nineWide = nineWide.task(`t${i}`, timedTask(400));

export default nineWide;
