import { layeredDag } from './_layered.ts';

/**
 * 10,000 static tasks, the most one run holds: 200 layers of 50, each task needing two tasks
 * of the layer before. Its plain plan (1.7 MB) would nearly fill a Temporal payload; packed it
 * is a quarter of a megabyte.
 */
export default layeredDag('static_10000', 200);
