import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../infra/project-root.ts';
import type { Plan } from '../plan/types.ts';
import type { DagProblem } from './errors.ts';
import { sha256 } from './load-hash.ts';

/** What loading one DAG file gave, keyed by the content of every source that went into it. */
export interface CachedFileResult {
  /** sha256 of each source file (the DAG file and its local imports), by absolute path. */
  inputs: Record<string, string>;
  /** sha256 of the compiled module, cached as `mod-<hash>.mjs`; absent if it did not compile. */
  moduleHash?: string;
  /** Set when the module is a bundle of many DAG files (see load-bundle.ts): this file's loader in it. */
  loaderIndex?: number;
  plan?: Plan;
  problems: DagProblem[];
  /** Whether the DAG declares a params schema (see EvaluatedDagModule). */
  takesParams?: boolean;
  /** The time limit the file overran, if it did (see EvaluatedDagModule). */
  timedOutAfterMs?: number;
}

interface CatalogCacheFile {
  format: number;
  /** The Weir and esbuild that made the results: another version may check or compile differently. */
  toolchain: string;
  /** The DAGs folder the catalog is of; once it is gone, the catalog and its modules are pruned. */
  baseDir: string;
  files: Record<string, CachedFileResult>;
}

// Bump when what a cached result means changes (the checks, the plan's shape).
// 3: a module may be a bundle of many files (loaderIndex).
const CACHE_FORMAT = 3;

let toolchainCache: string | undefined;

/** `weir@<version> esbuild@<version>`: part of every catalog's key. */
export function cacheToolchain(): string {
  toolchainCache ??= `weir@${manifestVersion(path.join(projectRoot(), 'package.json'))} esbuild@${manifestVersion(esbuildManifest())}`;
  return toolchainCache;
}

/** esbuild's package.json, found without importing esbuild (a warm load never needs the compiler). */
function esbuildManifest(): string {
  // The entry is <package>/lib/main.js.
  return path.join(path.dirname(createRequire(import.meta.url).resolve('esbuild')), '..', 'package.json');
}

function manifestVersion(manifest: string): string {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

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
    if (parsed.format !== CACHE_FORMAT || parsed.toolchain !== cacheToolchain()) return new Map();
    return new Map(Object.entries(parsed.files));
  } catch {
    return new Map();
  }
}

export async function writeCatalogCache(cacheDir: string, baseDir: string, files: Map<string, CachedFileResult>): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const target = catalogPathFor(cacheDir, baseDir);
  const scratch = `${target}.${process.pid}.${randomUUID()}.tmp`;
  const body: CatalogCacheFile = { format: CACHE_FORMAT, toolchain: cacheToolchain(), baseDir: path.resolve(baseDir), files: Object.fromEntries(files) };
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

/**
 * Writes a compiled module unless it is there already; one that is there gets a fresh mtime, so
 * a prune in another process (which spares young files) cannot delete it before this load's
 * catalog names it.
 */
export async function keepOrWriteModule(cacheDir: string, moduleHash: string, code: string): Promise<void> {
  const now = new Date();
  const kept = await utimes(modulePathFor(cacheDir, moduleHash), now, now).then(
    () => true,
    () => false,
  );
  if (!kept) await writeModule(cacheDir, moduleHash, code);
}

/** True when every source that went into a cached result still has the content it had. */
export async function inputsUnchanged(inputs: Record<string, string>, hashOf: (file: string) => Promise<string | null>): Promise<boolean> {
  const entries = Object.entries(inputs);
  if (entries.length === 0) return false;
  const current = await Promise.all(entries.map(([file]) => hashOf(file)));
  return entries.every(([, hash], i) => current[i] === hash);
}

export interface PruneOptions {
  /** Files younger than this are kept whatever they are: another process may be about to name them. Default 10 minutes. */
  graceMs?: number;
  /** Typecheck results kept, newest first. Default 8. */
  keepTypechecks?: number;
  now?: number;
}

/**
 * Deletes what no load can use any more: catalogs of another format or toolchain or of a DAGs
 * folder that is gone, compiled modules no remaining catalog names, older typecheck results and
 * scratch files of crashed writers. Anything younger than the grace period stays, so a load in
 * another process never loses a module between writing it and recording it. Returns the names
 * deleted; a file it cannot read or delete is left as it is.
 */
export async function pruneDagCache(cacheDir: string, options: PruneOptions = {}): Promise<string[]> {
  const graceMs = options.graceMs ?? 10 * 60_000;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = await readdir(cacheDir);
  } catch {
    return [];
  }
  const ages = new Map(
    await Promise.all(names.map(async (name) => [name, await stat(path.join(cacheDir, name)).then((s) => now - s.mtimeMs, () => -1)] as const)),
  );
  const old = (name: string) => (ages.get(name) ?? -1) >= graceMs;
  const doomed: string[] = [];
  const referenced = new Set<string>();
  for (const name of names.filter((n) => /^catalog-[0-9a-f]+\.json$/.test(n))) {
    const catalog = await readFile(path.join(cacheDir, name), 'utf8').then((text) => JSON.parse(text) as Partial<CatalogCacheFile>, () => null);
    const usable = catalog !== null && catalog.format === CACHE_FORMAT && catalog.toolchain === cacheToolchain() && typeof catalog.baseDir === 'string' && (await isDirectory(catalog.baseDir));
    if (!usable) {
      if (old(name)) doomed.push(name);
      continue;
    }
    for (const result of Object.values(catalog.files ?? {})) if (result.moduleHash) referenced.add(`mod-${result.moduleHash}.mjs`);
  }
  for (const name of names) {
    if (/^mod-[0-9a-f]+\.mjs$/.test(name) && !referenced.has(name) && old(name)) doomed.push(name);
    else if (name.endsWith('.tmp') && old(name)) doomed.push(name);
  }
  const typechecks = names.filter((n) => /^typecheck-[0-9a-f]+\.json$/.test(n)).sort((a, b) => (ages.get(a) ?? 0) - (ages.get(b) ?? 0));
  doomed.push(...typechecks.slice(options.keepTypechecks ?? 8).filter(old));
  const deleted = await Promise.all(doomed.map((name) => unlink(path.join(cacheDir, name)).then(() => name, () => null)));
  return deleted.filter((name): name is string => name !== null);
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}
