import { dag, type TaskSpec } from 'weir';

const WIDTH = 50;

/** `depth` layers of 50 static tasks, each task needing two tasks of the layer before. */
export function layeredDag(id: string, depth: number) {
  let graph = dag({ id, defaults: { timeout: '1m', retries: 3, retryDelay: '1s' } });
  for (let layer = 0; layer < depth; layer++) {
    for (let i = 0; i < WIDTH; i++) {
      const needs = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % WIDTH}`];
      // Ids built at run time cannot be checked by TypeScript; the compiler checks them instead.
      const spec: TaskSpec<never> = { needs: needs as never[] };
      graph = graph.task(`t${layer}_${i}`, spec, async () => layer) as typeof graph;
    }
  }
  return graph;
}
