import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildFailure, type Message, type Metafile, type Plugin } from 'esbuild';
import type { DagProblem } from './errors.ts';

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

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function relativeName(file: string, baseDir: string): string {
  return path.relative(baseDir, file) || path.basename(file);
}

async function compileMany(files: readonly string[]): Promise<CompiledDagFile[]> {
  const absWorkingDir = path.dirname(files[0] as string);
  const sources = new Map<string, string>();
  const result = await build({
    entryPoints: files.map((file, i) => ({ in: file, out: `m${i}` })),
    absWorkingDir,
    outdir: absWorkingDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outExtension: { '.js': '.mjs' },
    plugins: [readSourcesKeepingOwnUrl(sources)],
  });
  const outputs = new Map(result.outputFiles.map((output) => [path.basename(output.path), output.text]));
  return files.map((file, i) => {
    const code = outputs.get(`m${i}.mjs`) ?? '';
    const inputs: Record<string, string> = {};
    for (const input of Object.keys(outputInputs(result.metafile, absWorkingDir, `m${i}.mjs`))) {
      const absolute = path.resolve(absWorkingDir, input);
      const source = sources.get(absolute);
      if (source !== undefined) inputs[absolute] = sha256(source);
    }
    return { file, code, moduleHash: sha256(code), inputs };
  });
}

function outputInputs(metafile: Metafile, absWorkingDir: string, name: string): Record<string, unknown> {
  for (const [outPath, output] of Object.entries(metafile.outputs)) {
    if (path.basename(path.resolve(absWorkingDir, outPath)) === name) return output.inputs;
  }
  return {};
}

/**
 * Reads every local source once (its hash keys the cache), and gives each its own
 * `import.meta.url`, so paths a file computes from it stay right once compiled elsewhere.
 */
function readSourcesKeepingOwnUrl(sources: Map<string, string>): Plugin {
  return {
    name: 'weir-read-sources',
    setup(builder) {
      builder.onLoad({ filter: /\.(m?[jt]s|[jt]sx|cjs|cts|json)$/ }, async (args) => {
        if (args.namespace !== 'file') return undefined;
        const source = await readFile(args.path, 'utf8');
        sources.set(args.path, source);
        const loader = /\.json$/.test(args.path) ? 'json' : /\.[mc]?js$/.test(args.path) ? 'js' : /x$/.test(args.path) ? 'tsx' : 'ts';
        if (!source.includes('import.meta')) return { contents: source, loader };
        const contents = source
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
        return { contents, loader };
      });
    },
  };
}

function describeBuildFailure(failure: BuildFailure | { errors?: Message[]; message?: string }): string {
  const first = failure.errors?.[0];
  if (!first) return `syntax error: ${(failure as Error).message ?? 'the file does not compile'}`;
  if (/Could not resolve/.test(first.text)) return `import error: ${first.text}${where(first)}`;
  return `syntax error: ${first.text}${where(first)}`;
}

function where(message: Message): string {
  if (!message.location) return '';
  return ` (${path.basename(message.location.file)} line ${message.location.line}, column ${message.location.column + 1})`;
}
