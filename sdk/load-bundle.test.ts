import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDagBundle } from './load-bundle.ts';
import { writeModule } from './load-cache.ts';
import { importDagModule } from './load-import.ts';

// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `load-bundle-${process.pid}`);
const dags = path.join(root, 'dags');
const counter = `__weirBundleTest${process.pid}`;

beforeAll(async () => {
  await mkdir(dags, { recursive: true });
  await writeFile(path.join(dags, '_shared.ts'), `export const label = 'shared';\n`);
  // Each file counts its own evaluation, so the test sees when (and whether) its code ran.
  const source = (id: string, importsHelper: boolean) =>
    `import { dag } from 'weir';\n${importsHelper ? "import { label } from './_shared.ts';\n" : "const label = 'own';\n"}` +
    `(globalThis as Record<string, number>)['${counter}_${id}'] = ((globalThis as Record<string, number>)['${counter}_${id}'] ?? 0) + 1;\n` +
    `export default dag({ id: '${id}', description: label }).task('a', async () => 1);\n`;
  await writeFile(path.join(dags, 'a.ts'), source('a', true));
  await writeFile(path.join(dags, 'b.ts'), source('b', false));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const evaluations = (id: string) => (globalThis as unknown as Record<string, number | undefined>)[`${counter}_${id}`] ?? 0;

describe('compileDagBundle', () => {
  it('runs no DAG file when the bundle is imported, and each one once when its loader is called', async () => {
    const files = [path.join(dags, 'a.ts'), path.join(dags, 'b.ts')];
    const bundle = await compileDagBundle(files, dags);
    const modulePath = await writeModule(path.join(root, 'cache'), bundle.bundleHash, bundle.code);
    await import(/* @vite-ignore */ pathToFileURL(modulePath).href);
    expect([evaluations('a'), evaluations('b')]).toEqual([0, 0]);
    const b = await importDagModule({ modulePath, loaderIndex: 1 });
    expect([evaluations('a'), evaluations('b')]).toEqual([0, 1]);
    expect((b.default as { id: string }).id).toBe('b');
    const a = await importDagModule({ modulePath, loaderIndex: 0 });
    await importDagModule({ modulePath, loaderIndex: 0 });
    expect([evaluations('a'), evaluations('b')]).toEqual([1, 1]);
    expect((a.default as { config: { description?: string } }).config.description).toBe('shared');
  });

  it('records for each file only the sources it pulls in, so editing a helper reloads only its users', async () => {
    const files = [path.join(dags, 'a.ts'), path.join(dags, 'b.ts')];
    const bundle = await compileDagBundle(files, dags);
    expect(bundle.files.map(({ file, inputs }) => [path.basename(file), Object.keys(inputs).map((input) => path.basename(input)).sort()])).toEqual([
      ['a.ts', ['_shared.ts', 'a.ts']],
      ['b.ts', ['b.ts']],
    ]);
  });

  it('fails as a whole when one file does not compile, for the caller to place the error file by file', async () => {
    await writeFile(path.join(dags, 'broken.ts'), 'export default (;\n');
    await expect(compileDagBundle([path.join(dags, 'a.ts'), path.join(dags, 'broken.ts')], dags)).rejects.toMatchObject({ errors: [expect.objectContaining({ text: expect.any(String) })] });
  });
});
