import { dag } from 'weir';

export default dag({ id: 'big_output' }).task('huge', async () => 'x'.repeat(300 * 1024));
