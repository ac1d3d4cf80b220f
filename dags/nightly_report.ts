import { dag } from 'weir';
import { z } from 'zod';

/**
 * A small example: extract some rows, check them, publish or alert, then clean up.
 * It runs on a fresh clone with `npm start`.
 */
export default dag({
  id: 'nightly_report',
  description: 'Counts rows, checks a threshold, then publishes or alerts',
  schedule: '0 2 * * *',
  timezone: 'Europe/Berlin',
  catchup: false,
  maxActiveRuns: 1,
  params: z.object({ minRows: z.number().int().default(1000), regions: z.array(z.string()).default(['eu', 'us', 'apac']) }),
  defaults: { retries: 2, retryDelay: '1s', timeout: '10m' },
})
  .task('extract', async (ctx) => {
    ctx.log.info('extracting', { logicalDate: ctx.run.logicalDate });
    return { rows: 1200 };
  })
  .task('list_regions', async (ctx) => ctx.params.regions)
  .map('count_region', { over: 'list_regions' }, async (_ctx, region, index) => ({ region: region.toUpperCase(), rows: 400 + index }))
  .task('check', { needs: ['extract', 'count_region'] }, async (ctx) => ctx.outputs.extract.rows >= ctx.params.minRows && ctx.outputs.count_region.length > 0)
  .branch('route', { needs: ['check'] }, (ctx) => (ctx.outputs.check ? 'publish' : 'alert'))
  .task('publish', { needs: ['route'] }, async (ctx) => ({ published: true, at: ctx.run.logicalDate }))
  .task('alert', { needs: ['route'] }, async (ctx) => {
    ctx.log.warn('row count below threshold', { minRows: ctx.params.minRows });
  })
  .task('cleanup', { needs: ['publish', 'alert'], triggerRule: 'all_done' }, async () => ({ cleaned: true }));
