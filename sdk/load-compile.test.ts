import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileKeepingOwnUrls, DAG_BUILD_OPTIONS, keepOwnUrl } from './load-compile.ts';
import { memoizedSources } from './load-hash.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `load-compile-${process.pid}`);

beforeAll(async () => {
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, '_plain.ts'), 'export const label = 1;\n');
  await writeFile(path.join(root, '_paths.ts'), "export const here = import.meta.url;\n");
  await writeFile(path.join(root, 'plain.ts'), "import { label } from './_plain.ts';\nexport default label;\n");
  await writeFile(path.join(root, 'helper_url.ts'), "import { here } from './_paths.ts';\nexport default here;\n");
  await writeFile(path.join(root, 'own_url.ts'), 'export default import.meta.url;\n');
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** Compiles the files as one-output-per-file modules, recording which files each pass kept at their own URL. */
async function compileRecording(files: string[]): Promise<{ passes: string[][]; texts: string[] }> {
  const passes: string[][] = [];
  const result = await compileKeepingOwnUrls(files, root, memoizedSources(), (withOwnUrl) => {
    passes.push([...withOwnUrl].map((file) => path.basename(file)).sort());
    return build({ entryPoints: files, absWorkingDir: root, outdir: path.join(root, 'out'), ...DAG_BUILD_OPTIONS, plugins: [keepOwnUrl(withOwnUrl)] });
  });
  return { passes, texts: result.outputFiles.map((output) => output.text) };
}

describe('compileKeepingOwnUrls', () => {
  it('compiles once when no local helper uses import.meta, keeping the DAG files that do at their own URL', async () => {
    const { passes, texts } = await compileRecording([path.join(root, 'plain.ts'), path.join(root, 'own_url.ts')]);
    expect(passes).toEqual([['own_url.ts']]);
    expect(texts.join('\n')).toContain(JSON.stringify(`file://${path.join(root, 'own_url.ts')}`));
  });

  it('compiles a second time with the helpers found to use import.meta once bundled', async () => {
    const { passes, texts } = await compileRecording([path.join(root, 'helper_url.ts')]);
    expect(passes).toEqual([[], ['_paths.ts']]);
    expect(texts.join('\n')).toContain(JSON.stringify(`file://${path.join(root, '_paths.ts')}`));
  });
});
