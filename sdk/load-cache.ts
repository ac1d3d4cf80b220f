import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../plan/types.ts';
import type { DagProblem } from './errors.ts';
import { sha256 } from './load-compile.ts';

/** What loading one DAG file gave, keyed by the content of every source that went into it. */
export interface CachedFileResult {
  /** sha256 of each source file (the DAG file and its local imports), by absolute path. */
  inputs: Record<string, string>;
  /** sha256 of the compiled module, cached as `mod-<hash>.mjs`; absent if it did not compile. */
  moduleHash?: string;
  plan?: Plan;
  problems: DagProblem[];
}

interface CatalogCacheFile {
  format: number;
  files: Record<string, CachedFileResult>;
}

// Bump when what a cached result means changes (the checks, the plan's shape).
const CACHE_FORMAT = 1;

export function modulePathFor(cacheDir: string, moduleHash: string): string {
  return path.join(cacheDir, `mod-${moduleHash}.mjs`);
}

/** One catalog per DAGs folder, so loads of different folders never overwrite each other's. */
function catalogPathFor(cacheDir: string, baseDir: string): string {
  return path.join(cacheDir, `catalog-${sha256(path.resolve(baseDir)).slice(0, 16)}.json`);
}

export async function readCatalogCache(cacheDir: string, baseDir: string): Promise<Map<string, CachedFileResult>> {
  try {
    const parsed = JSON.parse(await readFile(catalogPathFor(cacheDir, baseDir), 'utf8')) as CatalogCacheFile;
    if (parsed.format !== CACHE_FORMAT) return new Map();
    return new Map(Object.entries(parsed.files));
  } catch {
    return new Map();
  }
}

export async function writeCatalogCache(cacheDir: string, baseDir: string, files: Map<string, CachedFileResult>): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const target = catalogPathFor(cacheDir, baseDir);
  const scratch = `${target}.${process.pid}.${randomUUID()}.tmp`;
  const body: CatalogCacheFile = { format: CACHE_FORMAT, files: Object.fromEntries(files) };
  await writeFile(scratch, JSON.stringify(body));
  await rename(scratch, target);
}

/** Writes a compiled module under its content hash; a module already there is the same text. */
export async function writeModule(cacheDir: string, moduleHash: string, code: string): Promise<string> {
  const target = modulePathFor(cacheDir, moduleHash);
  await mkdir(cacheDir, { recursive: true });
  const scratch = `${target}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(scratch, code);
  await rename(scratch, target);
  return target;
}

/** True when every source that went into a cached result still has the content it had. */
export async function inputsUnchanged(inputs: Record<string, string>, hashOf: (file: string) => Promise<string | null>): Promise<boolean> {
  const entries = Object.entries(inputs);
  if (entries.length === 0) return false;
  const current = await Promise.all(entries.map(([file]) => hashOf(file)));
  return entries.every(([, hash], i) => current[i] === hash);
}
