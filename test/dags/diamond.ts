import { dag } from 'weir';

export default dag({ id: 'diamond', defaults: { timeout: '30s' } })
  .task('start', async () => ({ value: 2 }))
  .task('left', { needs: ['start'] }, async (ctx) => ctx.outputs.start.value * 10)
  .task('right', { needs: ['start'] }, async (ctx) => ctx.outputs.start.value + 1)
  .task('join', { needs: ['left', 'right'] }, async (ctx) => ({ sum: ctx.outputs.left + ctx.outputs.right }));
