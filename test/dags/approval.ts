import { dag } from 'weir';

export default dag({ id: 'approval' })
  .task('prepare', async () => ({ model: 'v7' }))
  .approval('sign_off', { needs: ['prepare'], timeout: '1h' })
  .task('publish', { needs: ['sign_off'] }, async (ctx) => ({ by: ctx.outputs.sign_off.actor, comment: ctx.outputs.sign_off.comment }));
