import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the benchmark lives; generated DAG files must stay inside the repo so `import 'weir'` resolves. */
export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.dirname(BENCH_DIR);
export const GENERATED_DIR = path.join(BENCH_DIR, '.generated');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
