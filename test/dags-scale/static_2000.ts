import { layeredDag } from './_layered.ts';

/** 2,000 static tasks: 40 layers of 50, each task needing two tasks of the layer before. */
export default layeredDag('static_2000', 40);
