/**
 * Child process of the DAG loading benchmark: one cold import of a whole folder, then a JSON
 * report on stdout. `weir` mode loads DAG files exactly as `weir dags validate` does; `plain`
 * mode imports the baseline modules the same way, in parallel; `empty` measures tsx startup.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LoadChildReport {
  mode: string;
  /** The load call alone (after weir's own modules are imported). */
  loadMs: number;
  /** Importing weir's SDK before the load (0 for the other modes). */
  sdkImportMs: number;
  /** Process start -> load finished, as this process measures it. */
  sinceProcessStartMs: number;
  modules: number;
  problems: number;
}

const [mode, dir, tasksPerModule = '20'] = process.argv.slice(2);
let report: LoadChildReport;
if (mode === 'weir' && dir) {
  const sdkStart = performance.now();
  const { loadDagFolder } = await import('../sdk/index.ts');
  const loadStart = performance.now();
  // Every file compiled and run afresh: the content cache would turn pass 2 and later into a warm load.
  const catalog = await loadDagFolder(dir, { cache: false });
  const end = performance.now();
  report = { mode, loadMs: end - loadStart, sdkImportMs: loadStart - sdkStart, sinceProcessStartMs: end, modules: catalog.dags.size, problems: catalog.problems.length };
} else if (mode === 'plain' && dir) {
  const loadStart = performance.now();
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.startsWith('_')).map((e) => path.join(e.parentPath, e.name));
  const modules = await Promise.all(files.map((file) => import(pathToFileURL(file).href) as Promise<{ default?: { tasks?: unknown[] } }>));
  const end = performance.now();
  const problems = modules.filter((m) => m.default?.tasks?.length !== Number(tasksPerModule)).length;
  report = { mode, loadMs: end - loadStart, sdkImportMs: 0, sinceProcessStartMs: end, modules: modules.length, problems };
} else if (mode === 'empty') {
  const end = performance.now();
  report = { mode, loadMs: 0, sdkImportMs: 0, sinceProcessStartMs: end, modules: 0, problems: 0 };
} else {
  throw new Error('usage: load-child.ts weir <dir> | plain <dir> <tasks per module> | empty');
}
process.stdout.write(`${JSON.stringify(report)}\n`);
