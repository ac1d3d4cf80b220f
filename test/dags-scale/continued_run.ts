import { existsSync } from 'node:fs';
import { dag, NonRetryableError, type TaskSpec } from 'weir';
import { z } from 'zod';

const WIDTH = 6;
const DEPTH = 6;

/**
 * A small DAG that a low history budget (the run option `maxHistoryEvents`) makes continue as
 * new several times: 6 layers of 6 tasks, each adding the outputs of the two tasks it needs;
 * an approval that waits across continuations; and `fragile`, which fails until its marker
 * file exists, so a person clears it in a later execution of the run.
 */
function build() {
  let graph = dag({ id: 'continued_run', clearWindow: '10m', params: z.object({ marker: z.string() }), defaults: { timeout: '1m', retries: 2, retryDelay: '1s' } });
  for (let layer = 0; layer < DEPTH; layer++) {
    for (let i = 0; i < WIDTH; i++) {
      const needs = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % WIDTH}`];
      // Ids built at run time cannot be checked by TypeScript; the compiler checks them instead.
      const spec: TaskSpec<never> = { needs: needs as never[] };
      graph = graph.task(`t${layer}_${i}`, spec, async (ctx) => 1 + Object.values(ctx.outputs as Record<string, number>).reduce((a, b) => a + b, 0)) as typeof graph;
    }
  }
  const last = Array.from({ length: WIDTH }, (_, i) => `t${DEPTH - 1}_${i}`) as never[];
  return graph
    .approval('sign_off', { needs: ['t0_0' as never], timeout: '1h' })
    .task('publish', { needs: ['sign_off'] }, async (ctx) => ({ by: ctx.outputs.sign_off.actor }))
    .task('fragile', { needs: last }, async (ctx) => {
      if (!existsSync(ctx.params.marker)) throw new NonRetryableError(`marker ${ctx.params.marker} missing`);
      return Object.values(ctx.outputs as Record<string, number>).reduce((a, b) => a + b, 0);
    })
    .task('total', { needs: ['fragile', 'publish'] }, async (ctx) => ({ sum: ctx.outputs.fragile, by: ctx.outputs.publish.by }));
}

export default build();
