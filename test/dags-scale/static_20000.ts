import { layeredDag } from './_layered.ts';

/**
 * 20,000 static tasks, the most one run holds: 400 layers of 50, each task needing two tasks
 * of the layer before. One history would need about 66,000 events, over Temporal's 51,200, so
 * the run continues as new every 10,000 events or so; `npm run bench -- --only scale` runs it.
 */
export default layeredDag('static_20000', 400);
