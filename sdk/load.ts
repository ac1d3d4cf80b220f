import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../plan/types.ts';
import { checkDag } from './compile.ts';
import { importDagFile, importDagFilesTogether } from './load-bundled.ts';
import type { Dag } from './dag.ts';
import type { DagProblem } from './errors.ts';

export interface LoadedDag {
  dag: Dag<unknown, Record<string, unknown>>;
  plan: Plan;
  /** Absolute path of the file that defines the DAG. */
  file: string;
}

/** Every DAG that loaded, and every problem found on the way. */
export interface DagCatalog {
  dags: Map<string, LoadedDag>;
  problems: DagProblem[];
  files: string[];
}

const DAG_FILE = /\.(ts|mts|js|mjs)$/;
const NOT_A_DAG_FILE = /(\.test\.|\.d\.ts$)/;

/** Finds DAG files under a folder; helper modules can opt out with a leading underscore. */
export async function findDagFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && DAG_FILE.test(entry.name) && !NOT_A_DAG_FILE.test(entry.name) && !entry.name.startsWith('_'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.split(path.sep).includes('node_modules'))
    .sort();
}

/** Loads every DAG file in a folder. One broken file never stops the others. */
export async function loadDagFolder(dir: string): Promise<DagCatalog> {
  let files: string[];
  try {
    files = await findDagFiles(dir);
  } catch (error) {
    return { dags: new Map(), files: [], problems: [{ file: dir, message: `cannot read the DAGs folder: ${(error as Error).message}` }] };
  }
  return loadDagFiles(files, dir);
}

/** Loads the given files; `baseDir` makes the file names in plans and messages relative. */
export async function loadDagFiles(files: readonly string[], baseDir: string): Promise<DagCatalog> {
  const absolute = files.map((file) => path.resolve(file));
  const together = absolute.length > 1 ? await importDagFilesTogether(absolute, dagCacheDir(baseDir)) : null;
  const results = together
    ? absolute.map((file, i) => checkLoaded(file, baseDir, together[i] ?? {}))
    : await Promise.all(absolute.map((file) => loadOneFile(file, baseDir, projectCacheDir(file))));
  const catalog: DagCatalog = { dags: new Map(), problems: [], files: absolute };
  for (const result of results) {
    catalog.problems.push(...result.problems);
    if (!result.loaded) continue;
    const existing = catalog.dags.get(result.loaded.plan.dagId);
    if (existing) {
      catalog.problems.push({
        file: result.loaded.plan.file,
        dagId: result.loaded.plan.dagId,
        field: 'id',
        message: `DAG id "${result.loaded.plan.dagId}" is already defined in ${existing.plan.file}`,
      });
      continue;
    }
    catalog.dags.set(result.loaded.plan.dagId, result.loaded);
  }
  return catalog;
}

/** Beside the DAGs folder, so the compiled bundle resolves packages as the DAG files do. */
function dagCacheDir(baseDir: string): string {
  return path.join(path.resolve(baseDir), '..', '.weir', 'dag-cache');
}

/**
 * `.weir/dag-cache` of the project a file belongs to (the nearest folder above it with a
 * package.json or node_modules), so its compiled copy resolves 'weir' and 'zod' as it does.
 */
function projectCacheDir(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'node_modules'))) return path.join(dir, '.weir', 'dag-cache');
    if (path.dirname(dir) === dir) return path.join(path.dirname(file), '.weir', 'dag-cache');
  }
}

function checkLoaded(file: string, baseDir: string, module: Record<string, unknown>): { loaded?: LoadedDag; problems: DagProblem[] } {
  const relative = path.relative(baseDir, file) || path.basename(file);
  const { plan, problems } = checkDag(module.default, relative);
  if (!plan) return { problems };
  return { loaded: { dag: module.default as LoadedDag['dag'], plan, file }, problems: [] };
}

async function loadOneFile(file: string, baseDir: string, cacheDir: string): Promise<{ loaded?: LoadedDag; problems: DagProblem[] }> {
  const relative = path.relative(baseDir, file) || path.basename(file);
  let module: Record<string, unknown>;
  try {
    // Compiled by esbuild into a file named by its content, so an edited file is imported afresh.
    module = await importDagFile(file, cacheDir);
  } catch (error) {
    return { problems: [{ file: relative, message: describeImportError(error) }] };
  }
  return checkLoaded(file, baseDir, module);
}

function describeImportError(error: unknown): string {
  if (!(error instanceof Error)) return `the file threw while it was imported: ${String(error)}`;
  const firstLine = error.message.split('\n').find((line) => line.trim() !== '') ?? error.message;
  if (error.name === 'SyntaxError' || /Transform failed|Expected|Unexpected/.test(error.message)) return `syntax error: ${summarizeSyntaxError(error.message)}`;
  if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return `import error: ${firstLine}`;
  return `the file threw while it was imported: ${error.name}: ${firstLine}`;
}

const ESC = String.fromCharCode(27);
function stripAnsi(text: string): string {
  return text.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, ''))).join('');
}

/** Transpilers put the useful part ("Expected `,` but found ...", with a position) after a generic first line. */
function summarizeSyntaxError(message: string): string {
  const plain = stripAnsi(message);
  const lines = plain.split('\n').map((line) => line.trim()).filter(Boolean);
  const detail = lines.find((line) => /Expected|Unexpected|ERROR|error:/i.test(line) && !/^Transform failed/.test(line)) ?? lines[0] ?? plain;
  const position = plain.match(/:(\d+):(\d+)/);
  return position ? `${detail.replace(/^\[?[A-Z_]+\]?\s*/, '')} (line ${position[1]}, column ${position[2]})` : detail;
}
