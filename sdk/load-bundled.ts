import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildFailure, type Plugin } from 'esbuild';

/**
 * The fast way to load many DAG files: one esbuild pass compiles them all into a single module,
 * and one import evaluates it. Importing a thousand TypeScript files one by one costs a
 * transform and a loader round trip each; this costs one of each.
 *
 * Returns each file's module namespace in order, or null when the fast path cannot attribute a
 * problem to one file (a syntax error, a file that throws on import): the caller then loads the
 * files one by one, which reports each problem where it is.
 */
export async function importDagFilesTogether(files: readonly string[], cacheDir: string): Promise<Record<string, unknown>[] | null> {
  if (files.length === 0) return [];
  const entry = files.map((file, i) => `import * as m${i} from ${JSON.stringify(file)};`).join('\n') + `\nexport default [${files.map((_, i) => `m${i}`).join(', ')}];\n`;
  let code: string;
  try {
    const result = await build({
      stdin: { contents: entry, resolveDir: path.dirname(files[0] as string), sourcefile: 'weir-dag-bundle-entry.js', loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
      plugins: [keepOwnUrl],
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch {
    return null;
  }
  // Inside the project, so the bare imports it keeps ('weir', 'zod', ...) resolve as the files' would.
  const target = await writeCached(code, cacheDir, 'dags');
  try {
    const module = (await import(pathToFileURL(target).href)) as { default: Record<string, unknown>[] };
    return module.default;
  } catch {
    return null;
  }
}

/**
 * Compiles one DAG file (and the relative modules it imports) with esbuild and imports the
 * result, so Weir's compiled JavaScript needs no TypeScript loader. Unlike the fast path it
 * throws what went wrong: a syntax error or an unresolvable import as esbuild words it (with
 * `ERR_MODULE_NOT_FOUND` for the latter), or whatever the file threw.
 */
export async function importDagFile(file: string, cacheDir: string): Promise<Record<string, unknown>> {
  let code: string;
  try {
    const result = await build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
      plugins: [keepOwnUrl],
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (error) {
    throw describeBuildFailure(error as BuildFailure);
  }
  return (await import(pathToFileURL(await writeCached(code, cacheDir, path.basename(file, path.extname(file)))).href)) as Record<string, unknown>;
}

function describeBuildFailure(failure: BuildFailure): Error {
  const first = failure.errors?.[0];
  if (!first) return failure;
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
  if (/^Could not resolve/.test(first.text)) return Object.assign(new Error(`${where}${first.text}`), { code: 'ERR_MODULE_NOT_FOUND' });
  return new SyntaxError(`${where}${first.text}`);
}

/** Content-addressed, written atomically: two loads of one folder may run at the same time. */
async function writeCached(code: string, cacheDir: string, prefix: string): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const target = path.join(cacheDir, `${prefix}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  const scratch = `${target}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(scratch, code);
  await rename(scratch, target);
  return target;
}

/** Each bundled file keeps its own `import.meta.url`, so paths it computes from it stay right. */
const keepOwnUrl: Plugin = {
  name: 'weir-keep-own-url',
  setup(builder) {
    builder.onLoad({ filter: /\.(m?[jt]s|[jt]sx)$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const url = pathToFileURL(args.path).href;
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(url))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: /\.m?js$/.test(args.path) ? 'js' : 'ts' };
    });
  },
};
