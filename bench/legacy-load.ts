/**
 * The loading path `weir dags validate` took before DAG files ran in a separate process, kept
 * for the benchmark's baseline: one esbuild bundle of every file, imported and checked in the
 * calling process. No isolation, no cache.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { checkDag } from '../sdk/compile.ts';
import { findDagFiles } from '../sdk/load.ts';
import { sha256 } from '../sdk/load-compile.ts';

export async function legacyLoadDagFolder(dir: string, scratchDir: string): Promise<{ dags: number; problems: number }> {
  const files = await findDagFiles(dir);
  const entry = files.map((file, i) => `import * as m${i} from ${JSON.stringify(file)};`).join('\n') + `\nexport default [${files.map((_, i) => `m${i}`).join(', ')}];\n`;
  const result = await build({
    stdin: { contents: entry, resolveDir: dir, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  await mkdir(scratchDir, { recursive: true });
  const target = path.join(scratchDir, `legacy-${sha256(code).slice(0, 16)}.mjs`);
  await writeFile(target, code);
  const modules = ((await import(pathToFileURL(target).href)) as { default: Record<string, unknown>[] }).default;
  let dags = 0;
  let problems = 0;
  modules.forEach((module, i) => {
    const checked = checkDag(module.default, path.relative(dir, files[i] ?? ''));
    if (checked.plan) dags += 1;
    problems += checked.problems.length;
  });
  return { dags, problems };
}
