/**
 * Child process of the `dags validate` benchmark: one load of a folder in a fresh process, then
 * a JSON report on stdout. `legacy` is the former in-process path (the baseline); `cold` loads
 * the way `weir dags validate --no-cache` does; `warm` the way it does by default.
 */
import path from 'node:path';

export interface ValidateChildReport {
  mode: string;
  /** Importing weir's loader and the load itself. */
  loadMs: number;
  dags: number;
  problems: number;
}

const [mode, dir, reap] = process.argv.slice(2);
if (!dir || !['legacy', 'cold', 'warm'].includes(mode ?? '')) throw new Error('usage: validate-child.ts legacy|cold|warm <dir> [--reap-esbuild]');
const start = performance.now();
let dags: number;
let problems: number;
if (mode === 'legacy') {
  const { legacyLoadDagFolder } = await import('./legacy-load.ts');
  ({ dags, problems } = await legacyLoadDagFolder(dir, path.join(dir, '..', '.weir', 'legacy-cache')));
} else {
  const { loadDagPlans } = await import('../sdk/load.ts');
  const catalog = await loadDagPlans(dir, { cache: mode === 'warm' });
  dags = catalog.dags.size;
  problems = catalog.problems.length;
}
const report: ValidateChildReport = { mode: mode ?? '', loadMs: performance.now() - start, dags, problems };
process.stdout.write(`${JSON.stringify(report)}\n`);
if (reap === '--reap-esbuild') {
  // esbuild compiles in a service process of its own, which this process does not wait for at
  // exit. Stopped and given time to be reaped, its CPU counts in `/usr/bin/time` of this process.
  const { stop } = await import('esbuild');
  await stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
}
