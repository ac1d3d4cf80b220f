import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildFailure, type Message, type Metafile, type Plugin } from 'esbuild';
import type { DagProblem } from './errors.ts';
import { memoizedHash, memoizedSources, relativeName, sha256, type SourceReader } from './load-hash.ts';

export { sha256 } from './load-hash.ts';

/** One DAG file compiled to a self-contained ES module (its local imports inlined, packages left bare). */
export interface CompiledDagFile {
  /** Absolute path of the DAG file. */
  file: string;
  /** The compiled module's text; absent when the file did not compile. */
  code?: string;
  /** sha256 of `code`: the name the module is cached and imported under. */
  moduleHash?: string;
  /** sha256 of every source file that went into the module, by absolute path. */
  inputs: Record<string, string>;
  problem?: DagProblem;
}

/**
 * Compiles DAG files without running them: one esbuild pass with one output per file. This is
 * safe to do in any process, since no code of the files runs. When one file does not compile,
 * the pass is repeated file by file so each error lands on the file that has it.
 */
export async function compileDagFiles(files: readonly string[], baseDir: string): Promise<CompiledDagFile[]> {
  if (files.length === 0) return [];
  const compileMany = (some: readonly string[]) => compileModules(some, path.resolve(baseDir));
  const together = await compileMany(files).catch((error: unknown) => error as BuildFailure);
  if (!('errors' in together) || !Array.isArray(together.errors)) return together as CompiledDagFile[];
  return Promise.all(
    files.map(async (file) => {
      const alone = await compileMany([file]).catch((error: unknown) => error as BuildFailure);
      if (Array.isArray(alone)) return alone[0] as CompiledDagFile;
      return { file, inputs: {}, problem: { file: relativeName(file, baseDir), message: describeBuildFailure(alone) } };
    }),
  );
}


/** Weir's own package: `sdk/..` here, `dist/sdk/..` once compiled. */
/** What every compile of DAG files shares: one ESM bundle per output, npm packages left to Node. */
export const DAG_BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  write: false,
  metafile: true,
  logLevel: 'silent',
} as const;

const WEIR_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function compileModules(files: readonly string[], baseDir: string): Promise<CompiledDagFile[]> {
  const absWorkingDir = path.dirname(files[0] as string);
  const sources = memoizedSources();
  const result = await compileKeepingOwnUrls(files, absWorkingDir, sources, (withOwnUrl) =>
    build({
      entryPoints: files.map((file, i) => ({ in: file, out: `m${i}` })),
      absWorkingDir,
      outdir: absWorkingDir,
      ...DAG_BUILD_OPTIONS,
      outExtension: { '.js': '.mjs' },
      plugins: [keepWeirExternal(baseDir, new Set(), files), keepOwnUrl(withOwnUrl)],
    }),
  );
  const outputs = new Map(result.outputFiles.map((output) => [path.basename(output.path), output.text]));
  const hashOf = memoizedHash(sources);
  const inputsByOutput = new Map(Object.entries(result.metafile.outputs).map(([outPath, output]) => [path.basename(outPath), Object.keys(output.inputs)]));
  return Promise.all(
    files.map(async (file, i) => {
      const code = outputs.get(`m${i}.mjs`) ?? '';
      const inputs: Record<string, string> = {};
      for (const input of inputsByOutput.get(`m${i}.mjs`) ?? []) {
        const absolute = path.resolve(absWorkingDir, input);
        const hash = await hashOf(absolute);
        if (hash !== null) inputs[absolute] = hash;
      }
      return { file, code, moduleHash: sha256(code), inputs };
    }),
  );
}

/**
 * Runs `compile` with the DAG files that use import.meta kept at their own URL, and once more
 * if a local helper they import (`_paths.ts`) uses it too: such helpers are known only once the
 * files are bundled, and they are few. Both ways of compiling DAG files (one module per file,
 * one bundle of all) go through here; `sources` reads each file once for the scan and the hashes.
 */
export async function compileKeepingOwnUrls<T extends { metafile: Metafile }>(
  dagFiles: readonly string[],
  absWorkingDir: string,
  sources: SourceReader,
  compile: (withOwnUrl: readonly string[]) => Promise<T>,
): Promise<T> {
  const usesImportMeta = await filesUsingImportMeta(dagFiles, sources);
  const result = await compile(usesImportMeta);
  const entries = new Set(dagFiles);
  const helpers = Object.keys(result.metafile.inputs)
    .map((input) => path.resolve(absWorkingDir, input))
    .filter((input) => !entries.has(input) && !input.split(path.sep).includes('node_modules'));
  const helpersWithImportMeta = await filesUsingImportMeta(helpers, sources);
  return helpersWithImportMeta.length > 0 ? compile([...usesImportMeta, ...helpersWithImportMeta]) : result;
}

/** The files that use import.meta; a file that cannot be read is left to esbuild to report. */
export async function filesUsingImportMeta(files: readonly string[], sources: SourceReader = memoizedSources()): Promise<string[]> {
  const facts = await Promise.all(files.map(sources));
  return files.filter((_file, i) => facts[i]?.usesImportMeta === true);
}

/**
 * A DAG file that imports Weir by path (not as the `weir` package) must still share the one copy
 * of Weir the process has, and its packages must resolve from Weir's folder, not the cache's.
 */
export function keepWeirExternal(baseDir: string, dagFiles: ReadonlySet<string> = new Set(), entries: Iterable<string> = dagFiles): Plugin {
  // Each path the filter matches costs a call from esbuild into this process. A `./` path
  // without `..` stays in its importer's folder, inside baseDir when the importer is, so only
  // paths that climb or are absolute need a look; unless a DAG file lies outside baseDir.
  const allInside = [...entries].every((file) => file.startsWith(baseDir + path.sep));
  const filter = allInside ? /^\/|\.\./ : /^(\.|\/)/;
  return {
    name: 'weir-keep-weir-external',
    setup(builder) {
      builder.onResolve({ filter }, (args) => {
        // A DAG file given by path (`weir dags validate file.ts`) is compiled, whatever folder it is in.
        if (args.kind === 'entry-point') return undefined;
        const absolute = path.resolve(args.resolveDir, args.path);
        if (dagFiles.has(absolute)) return undefined;
        const insideWeir = absolute.startsWith(WEIR_ROOT + path.sep) && !absolute.split(path.sep).includes('node_modules');
        if (!insideWeir || absolute.startsWith(baseDir + path.sep)) return undefined;
        return { path: absolute, external: true };
      });
    },
  };
}

/** Each file that uses it keeps its own `import.meta.url`, so paths it computes from it stay right once compiled elsewhere. */
export function keepOwnUrl(files: readonly string[]): Plugin {
  return {
    name: 'weir-keep-own-url',
    setup(builder) {
      if (files.length === 0) return;
      const filter = new RegExp(`^(${files.map((file) => file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
      builder.onLoad({ filter }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const contents = source
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
        return { contents, loader: /\.[mc]?js$/.test(args.path) ? 'js' : /x$/.test(args.path) ? 'tsx' : 'ts' };
      });
    },
  };
}

export function describeBuildFailure(failure: BuildFailure | { errors?: Message[]; message?: string }): string {
  const first = failure.errors?.[0];
  if (!first) return `syntax error: ${(failure as Error).message ?? 'the file does not compile'}`;
  if (/Could not resolve/.test(first.text)) return `import error: ${first.text}${where(first)}`;
  return `syntax error: ${first.text}${where(first)}`;
}

function where(message: Message): string {
  if (!message.location) return '';
  return ` (${path.basename(message.location.file)} line ${message.location.line}, column ${message.location.column + 1})`;
}
