import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../plan/types.ts';
import type { Dag } from './dag.ts';
import type { CompiledDagBundle } from './load-bundle.ts';
import type { DagProblem } from './errors.ts';
import { inputsUnchanged, keepOrWriteModule, modulePathFor, pruneDagCache, readCatalogCache, writeCatalogCache, type CachedFileResult } from './load-cache.ts';
import { memoizedHash, relativeName } from './load-hash.ts';
import { describeImportError } from './load-errors.ts';
import { importDagModule } from './load-import.ts';
import { DEFAULT_DAG_LOAD_LIMITS, evaluateModulesIsolated, evaluateModulesTogether, startLoadingProcess, type DagLoadLimits, type EvaluatedModule } from './load-isolated.ts';

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

/** A DAG known by its plan only: what the loading process proved, without running its code here. */
export interface DagPlanEntry {
  plan: Plan;
  /** Absolute path of the file that defines the DAG. */
  file: string;
  /** The compiled module that was proven to load, named by its content hash. */
  modulePath: string;
  /** Set when `modulePath` is a bundle of many DAG files: this file's loader in it. */
  loaderIndex?: number;
  /** false when the DAG declares no params schema, so any params object passes; undefined when not known. */
  takesParams?: boolean;
}

export interface DagPlanCatalog {
  dags: Map<string, DagPlanEntry>;
  problems: DagProblem[];
  files: string[];
}

export interface LoadOptions {
  /** Per-file time limit and heap limit of the process that runs DAG files' code; what is not given keeps its default. */
  limits?: Partial<DagLoadLimits>;
  /** false: ignore the content-hash cache and evaluate every file afresh. Default true. */
  cache?: boolean;
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

/** Loads every DAG file in a folder, with each DAG object ready to run. One broken file never stops the others. */
export async function loadDagFolder(dir: string, options: LoadOptions = {}): Promise<DagCatalog> {
  return importProvenDags(await loadDagPlans(dir, options));
}

/** Loads the given files; `baseDir` makes the file names in plans and messages relative. */
export async function loadDagFiles(files: readonly string[], baseDir: string, options: LoadOptions = {}): Promise<DagCatalog> {
  return importProvenDags(await loadDagPlanFiles(files, baseDir, options));
}

/**
 * The plans of every DAG in a folder. DAG files' code runs only in a separate process with a
 * time and memory limit per file; files whose sources did not change since the last load are
 * not run again (their result is cached under `.weir/dag-cache`, keyed by content).
 */
export async function loadDagPlans(dir: string, options: LoadOptions = {}): Promise<DagPlanCatalog> {
  let files: string[];
  try {
    files = await findDagFiles(dir);
  } catch (error) {
    return { dags: new Map(), files: [], problems: [{ file: dir, message: `cannot read the DAGs folder: ${(error as Error).message}` }] };
  }
  return loadDagPlanFiles(files, dir, options);
}

export async function loadDagPlanFiles(files: readonly string[], baseDir: string, options: LoadOptions = {}): Promise<DagPlanCatalog> {
  const absolute = files.map((file) => path.resolve(file));
  // Files named one by one may live in another project than the working folder: cache beside theirs.
  const root = path.resolve(baseDir);
  const cacheDir = dagCacheDir(absolute.every((file) => file.startsWith(root + path.sep)) || absolute.length === 0 ? baseDir : path.dirname(absolute[0] as string));
  const cached = options.cache === false ? new Map<string, CachedFileResult>() : await readCatalogCache(cacheDir, baseDir);
  const hashOf = memoizedHash();
  const results = new Map<string, CachedFileResult>();
  const stale: string[] = [];
  const limits: DagLoadLimits = { ...DEFAULT_DAG_LOAD_LIMITS, ...options.limits };
  // One listing of the cache folder rather than one access() per module.
  const present = cached.size === 0 ? new Set<string>() : new Set(await readdir(cacheDir).catch((): string[] => []));
  await Promise.all(
    absolute.map(async (file) => {
      const entry = cached.get(file);
      // A file that overran a shorter limit than this load's gets the longer one.
      const reusable =
        entry &&
        (entry.timedOutAfterMs === undefined || entry.timedOutAfterMs >= limits.fileTimeoutMs) &&
        (await inputsUnchanged(entry.inputs, hashOf)) &&
        (!entry.moduleHash || present.has(path.basename(modulePathFor(cacheDir, entry.moduleHash))));
      if (reusable) results.set(file, entry);
      else stale.push(file);
    }),
  );
  if (stale.length > 0) {
    stale.sort();
    for (const [file, result] of await evaluateFiles(stale, baseDir, cacheDir, limits)) results.set(file, result);
    if (options.cache !== false) {
      await writeCatalogCache(cacheDir, baseDir, new Map(absolute.map((file) => [file, results.get(file) as CachedFileResult])));
      // Only after a change: a load that found everything cached stays a few reads.
      await pruneDagCache(cacheDir);
    }
  }
  return assembleCatalog(absolute, results, cacheDir);
}

async function evaluateFiles(files: readonly string[], baseDir: string, cacheDir: string, limits: DagLoadLimits): Promise<Map<string, CachedFileResult>> {
  const bundled = await evaluateBundled(files, baseDir, cacheDir, limits);
  const results = new Map<string, CachedFileResult>();
  const again: string[] = [];
  for (const file of files) {
    const result = bundled.results?.get(file);
    // A problem is checked again in a module of its own, so that the file is timed and blamed alone.
    if (result && result.problems.length === 0) results.set(file, result);
    else again.push(file);
  }
  if (again.length > 0) {
    // When the bundle's process died or overran, running the same files together again would too.
    const tryTogether = bundled.diedTogether !== true;
    for (const [file, result] of await evaluateEachFile(again, baseDir, cacheDir, limits, tryTogether)) results.set(file, result);
  }
  return results;
}

/**
 * Fast path: every file in one bundle (load-bundle.ts), run at once in one loading process.
 * Gives nothing when a file does not compile, and `diedTogether` when the process died or overran.
 */
async function evaluateBundled(files: readonly string[], baseDir: string, cacheDir: string, limits: DagLoadLimits): Promise<{ results?: Map<string, CachedFileResult>; diedTogether?: boolean }> {
  // Started first, so that Node, its loader and Weir's checks load while esbuild compiles.
  const loading = startLoadingProcess(path.resolve(baseDir), limits);
  let bundle: CompiledDagBundle | null;
  try {
    // The compiler (esbuild) is imported only when a file changed.
    const { compileDagBundle } = await import('./load-bundle.ts');
    bundle = await compileDagBundle(files, baseDir).catch(() => null);
    if (bundle) await keepOrWriteModule(cacheDir, bundle.bundleHash, bundle.code);
  } catch (error) {
    loading.stop();
    throw error;
  }
  if (!bundle) {
    loading.stop();
    return {};
  }
  const modulePath = modulePathFor(cacheDir, bundle.bundleHash);
  const evaluated = await evaluateModulesTogether(
    bundle.files.map(({ file }, loaderIndex) => ({ modulePath, name: relativeName(file, baseDir), loaderIndex })),
    path.resolve(baseDir),
    limits,
    loading,
  );
  if (!evaluated) return { diedTogether: true };
  const results = new Map<string, CachedFileResult>();
  const bundleHash = bundle.bundleHash;
  bundle.files.forEach(({ file, inputs }, loaderIndex) => {
    const outcome = evaluated[loaderIndex] ?? { problems: [] };
    results.set(file, { inputs, moduleHash: bundleHash, loaderIndex, ...outcomeFields(outcome) });
  });
  return { results };
}

/** Each file compiled to a module of its own; a file that does not compile is named with its error. */
async function evaluateEachFile(files: readonly string[], baseDir: string, cacheDir: string, limits: DagLoadLimits, tryTogether: boolean): Promise<Map<string, CachedFileResult>> {
  const { compileDagFiles } = await import('./load-compile.ts');
  const compiled = await compileDagFiles(files, baseDir);
  const results = new Map<string, CachedFileResult>();
  const toRun: { file: string; modulePath: string; name: string; moduleHash: string; inputs: Record<string, string> }[] = [];
  for (const item of compiled) {
    if (item.problem || item.code === undefined || !item.moduleHash) {
      results.set(item.file, { inputs: item.inputs, problems: item.problem ? [item.problem] : [] });
      continue;
    }
    toRun.push({ file: item.file, modulePath: modulePathFor(cacheDir, item.moduleHash), name: relativeName(item.file, baseDir), moduleHash: item.moduleHash, inputs: item.inputs });
  }
  // Content-addressed: a module already written is the same text.
  const codeOf = new Map(compiled.map((item) => [item.moduleHash, item.code]));
  await Promise.all(toRun.map((item) => keepOrWriteModule(cacheDir, item.moduleHash, codeOf.get(item.moduleHash) ?? '')));
  const evaluated = await evaluateModulesIsolated(
    toRun.map(({ modulePath, name }) => ({ modulePath, name })),
    path.resolve(baseDir),
    limits,
    { tryTogether },
  );
  toRun.forEach((item, i) => {
    results.set(item.file, { inputs: item.inputs, moduleHash: item.moduleHash, ...outcomeFields(evaluated[i] ?? { problems: [] }) });
  });
  return results;
}

function outcomeFields(outcome: EvaluatedModule): Pick<CachedFileResult, 'problems' | 'plan' | 'takesParams' | 'timedOutAfterMs'> {
  return {
    problems: outcome.problems,
    ...(outcome.timedOutAfterMs !== undefined ? { timedOutAfterMs: outcome.timedOutAfterMs } : {}),
    ...(outcome.plan ? { plan: outcome.plan } : {}),
    ...(outcome.takesParams !== undefined ? { takesParams: outcome.takesParams } : {}),
  };
}

function assembleCatalog(files: string[], results: Map<string, CachedFileResult>, cacheDir: string): DagPlanCatalog {
  const catalog: DagPlanCatalog = { dags: new Map(), problems: [], files };
  for (const file of files) {
    const result = results.get(file);
    if (!result) continue;
    catalog.problems.push(...result.problems);
    if (!result.plan || !result.moduleHash) continue;
    const existing = catalog.dags.get(result.plan.dagId);
    if (existing) {
      catalog.problems.push({
        file: result.plan.file,
        dagId: result.plan.dagId,
        field: 'id',
        message: `DAG id "${result.plan.dagId}" is already defined in ${existing.plan.file}`,
      });
      continue;
    }
    catalog.dags.set(result.plan.dagId, {
      plan: result.plan,
      file,
      modulePath: modulePathFor(cacheDir, result.moduleHash),
      ...(result.loaderIndex !== undefined ? { loaderIndex: result.loaderIndex } : {}),
      ...(result.takesParams !== undefined ? { takesParams: result.takesParams } : {}),
    });
  }
  return catalog;
}

/**
 * Imports, in this process, only modules the loading process proved safe: the exact compiled
 * text it ran, by content hash. A file edited since then is a different module, not this one.
 */
export async function importProvenDags(plans: DagPlanCatalog): Promise<DagCatalog> {
  const catalog: DagCatalog = { dags: new Map(), problems: [...plans.problems], files: plans.files };
  const imported = await Promise.all([...plans.dags.values()].map(async (entry) => ({ entry, loaded: await importProvenDag(entry) })));
  for (const { entry, loaded } of imported) {
    if ('problem' in loaded) catalog.problems.push(loaded.problem);
    else catalog.dags.set(entry.plan.dagId, loaded);
  }
  return catalog;
}

/** One DAG object from its proven module, for a command that needs one DAG (trigger). */
export async function importProvenDag(entry: DagPlanEntry): Promise<LoadedDag | { problem: DagProblem }> {
  try {
    // The compiler is imported here: a load whose plans all come from the cache never needs it.
    const [module, { checkDag }] = await Promise.all([importDagModule(entry), import('./compile.ts')]);
    // The plan proven in the loading process is the one this process runs; the check only guards the import.
    const { plan, problems } = checkDag(module.default, entry.plan.file);
    if (!plan) return { problem: problems[0] ?? { file: entry.plan.file, message: 'the DAG did not load in this process' } };
    return { dag: module.default as LoadedDag['dag'], plan: entry.plan, file: entry.file };
  } catch (error) {
    return { problem: { file: entry.plan.file, message: describeImportError(error) } };
  }
}

/** Beside the DAGs folder, so compiled modules resolve packages as the DAG files do. */
export function dagCacheDir(baseDir: string): string {
  // In the project that holds the DAG files (the nearest package.json), so the compiled modules
  // resolve `weir`, `zod` and the rest from its node_modules as the files themselves would.
  for (let dir = path.resolve(baseDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, '.weir', 'dag-cache');
    if (path.dirname(dir) === dir) break;
  }
  return path.join(path.resolve(baseDir), '..', '.weir', 'dag-cache');
}
