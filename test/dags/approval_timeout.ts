import { dag } from 'weir';

export default dag({ id: 'approval_timeout' })
  .approval('sign_off', { timeout: '2s' })
  .task('publish', { needs: ['sign_off'] }, async () => 'published');
