import { dag, type TaskSpec } from 'weir';

const WIDTH = 50;
const DEPTH = 200;

/**
 * 10,000 static tasks, the most one run holds: 200 layers of 50, each task needing two tasks
 * of the layer before. Its plain plan (1.7 MB) would nearly fill a Temporal payload; packed it
 * is a quarter of a megabyte.
 */
let graph = dag({ id: 'static_10000', defaults: { timeout: '1m', retries: 3, retryDelay: '1s' } });
for (let layer = 0; layer < DEPTH; layer++) {
  for (let i = 0; i < WIDTH; i++) {
    const needs = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % WIDTH}`];
    // Ids built at run time cannot be checked by TypeScript; the compiler checks them instead.
    const spec: TaskSpec<never> = { needs: needs as never[] };
    graph = graph.task(`t${layer}_${i}`, spec, async () => layer) as typeof graph;
  }
}
export default graph;
