import { existsSync } from 'node:fs';
import { dag, NonRetryableError } from 'weir';
import { z } from 'zod';

/** `fragile` fails until its marker file exists; a person then clears it and the run finishes. */
export default dag({ id: 'clearable', clearWindow: '10m', params: z.object({ marker: z.string() }) })
  .task('extract', async () => 41)
  .task('fragile', { needs: ['extract'] }, async (ctx) => {
    if (!existsSync(ctx.params.marker)) throw new NonRetryableError(`marker ${ctx.params.marker} missing`);
    return ctx.outputs.extract + 1;
  })
  .task('load', { needs: ['fragile'] }, async (ctx) => ({ loaded: ctx.outputs.fragile }));
