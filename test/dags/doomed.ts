import { dag } from 'weir';

export default dag({ id: 'doomed', defaults: { retries: 1, retryDelay: '100ms' } })
  .task('broken', async (): Promise<number> => {
    throw new Error('the source table is gone');
  })
  .task('downstream', { needs: ['broken'] }, async () => 'never')
  .task('further', { needs: ['downstream'] }, async () => 'never')
  .task('report', { needs: ['further'], triggerRule: 'all_done' }, async () => 'always reports');
