import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_LOADERS_EXPORT } from './load-bundle-export.ts';
import { compileKeepingOwnUrls, DAG_BUILD_OPTIONS, keepOwnUrl, keepWeirExternal } from './load-compile.ts';
import { memoizedHash, memoizedSources, sha256 } from './load-hash.ts';

/**
 * Many DAG files compiled into one ES module that runs none of them when imported: each file
 * becomes a lazily initialised module, started by `loaders[i]()` (esbuild turns a bundled dynamic
 * `import()` into a lazy init when code splitting is off). One output costs esbuild about half of
 * one output per file, and the loading process links one module instead of one per file.
 */
const BUNDLE_ENTRY = '<dag-bundle>';

export interface CompiledDagBundle {
  code: string;
  /** sha256 of `code`: the name the bundle is cached and imported under. */
  bundleHash: string;
  /** In the order of the files given; `loaderIndex` of each is its place here. */
  files: { file: string; inputs: Record<string, string> }[];
}

/** Throws esbuild's BuildFailure when any file does not compile; the caller then compiles file by file to place the error. */
export async function compileDagBundle(files: readonly string[], baseDir: string): Promise<CompiledDagBundle> {
  const absWorkingDir = path.dirname(files[0] as string);
  const root = path.resolve(baseDir);
  // Files inside baseDir by relative paths, which keepWeirExternal need not be asked about.
  const specifier = (file: string) => (file.startsWith(root + path.sep) ? `./${path.relative(root, file).split(path.sep).join('/')}` : file);
  const entry = `export const ${BUNDLE_LOADERS_EXPORT} = [\n${files.map((file) => `  () => import(${JSON.stringify(specifier(file))}),`).join('\n')}\n];\n`;
  const dagFiles = new Set(files);
  // One read of each file gives both the import.meta scan and the hash its cached result is keyed by.
  const sources = memoizedSources();
  const result = await compileKeepingOwnUrls(files, absWorkingDir, sources, (withOwnUrl) =>
    build({
      stdin: { contents: entry, resolveDir: root, sourcefile: BUNDLE_ENTRY, loader: 'js' },
      absWorkingDir,
      ...DAG_BUILD_OPTIONS,
      plugins: [keepWeirExternal(root, dagFiles), keepOwnUrl(withOwnUrl)],
    }),
  );
  const graph = importGraph(result.metafile, absWorkingDir);
  const code = result.outputFiles[0]?.text ?? '';
  const hashOf = memoizedHash(sources);
  return {
    code,
    bundleHash: sha256(code),
    files: await Promise.all(
      files.map(async (file) => {
        const inputs: Record<string, string> = {};
        for (const source of reachableSources(file, graph)) {
          const hash = await hashOf(source);
          if (hash !== null) inputs[source] = hash;
        }
        return { file, inputs };
      }),
    ),
  };
}

/** Each bundled source (absolute path) and the bundled sources it imports. */
function importGraph(metafile: Metafile, absWorkingDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [input, info] of Object.entries(metafile.inputs)) {
    if (input === BUNDLE_ENTRY) continue;
    const imports = info.imports.filter((imported) => !imported.external).map((imported) => path.resolve(absWorkingDir, imported.path));
    graph.set(path.resolve(absWorkingDir, input), imports);
  }
  return graph;
}

/** A DAG file and every local source it pulls in: the content its cached result depends on. */
function reachableSources(file: string, graph: ReadonlyMap<string, string[]>): string[] {
  const seen = new Set<string>([file]);
  const queue = [file];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const imported of graph.get(next) ?? []) {
      if (seen.has(imported) || !graph.has(imported)) continue;
      seen.add(imported);
      queue.push(imported);
    }
  }
  return [...seen];
}
