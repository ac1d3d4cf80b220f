import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dag, type RunEvent } from 'weir';
import { z } from 'zod';

/** Where the callbacks of one run write what they received, so a test can read it. */
export function journalOf(runId: string): string {
  return path.join(os.tmpdir(), `weir-callbacks-${runId}.log`);
}

const failuresLeft = new Map<string, number>();

const record = (event: RunEvent) => appendFile(journalOf(event.run.runId), `${event.type} ${event.taskId ?? '-'} ${JSON.stringify(event.details)}\n`);

export default dag({
  id: 'with_callbacks',
  params: z.object({ failDeliveries: z.number().default(0), fail: z.boolean().default(false) }),
  callbacks: {
    onDrift: async (event) => {
      // Stands in for an SMTP outage: the first deliveries fail and the callback activity retries.
      const left = failuresLeft.get(event.run.runId) ?? Number(event.details.failDeliveries);
      failuresLeft.set(event.run.runId, left - 1);
      if (left > 0) throw new Error('SMTP down');
      await record(event);
    },
    onFailure: record,
    onSuccess: record,
  },
}).task('check', async (ctx) => {
  ctx.emit('drift', { columns: ['temp_max'], failDeliveries: ctx.params.failDeliveries });
  if (ctx.params.fail) throw new Error('check failed');
  return { drifted: true };
});
