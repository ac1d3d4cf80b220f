import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheToolchain, keepOrWriteModule, pruneDagCache, readCatalogCache, writeCatalogCache, type CachedFileResult } from './load-cache.ts';
import { dagCacheDir, loadDagPlans, type DagPlanCatalog } from './load.ts';

// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `load-cache-${process.pid}`);
const cacheDir = path.join(root, 'cache');
const HOUR = 3_600_000;

const result = (moduleHash: string): CachedFileResult => ({ inputs: { '/x.ts': 'h' }, moduleHash, problems: [] });

async function age(names: string[], ms: number): Promise<void> {
  const when = new Date(Date.now() - ms);
  await Promise.all(names.map((name) => utimes(path.join(cacheDir, name), when, when)));
}

beforeEach(async () => {
  await mkdir(cacheDir, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the catalog key', () => {
  it('names the Weir and esbuild versions', () => {
    expect(cacheToolchain()).toMatch(/^weir@\d+\.\d+\.\d+\S* esbuild@/);
    expect(cacheToolchain().endsWith(` esbuild@${esbuildVersion}`)).toBe(true);
  });

  it('ignores a catalog another Weir or esbuild wrote', async () => {
    const dagsDir = path.join(root, 'dags');
    await mkdir(dagsDir);
    await writeCatalogCache(cacheDir, dagsDir, new Map([['/x.ts', result('aa')]]));
    expect([...(await readCatalogCache(cacheDir, dagsDir)).keys()]).toEqual(['/x.ts']);
    const [name] = (await readdir(cacheDir)).filter((n) => n.startsWith('catalog-'));
    const file = path.join(cacheDir, name as string);
    const written = JSON.parse(await readFile(file, 'utf8')) as { toolchain: string };
    await writeFile(file, JSON.stringify({ ...written, toolchain: 'weir@0.0.1 esbuild@0.1.0' }));
    expect((await readCatalogCache(cacheDir, dagsDir)).size).toBe(0);
  });
});

describe('pruneDagCache', () => {
  it('spares an old module a load reuses, so another process cannot prune it before the catalog names it', async () => {
    for (const hash of ['dd', 'ee']) await writeFile(path.join(cacheDir, `mod-${hash}.mjs`), 'export default 1;\n');
    await age(['mod-dd.mjs', 'mod-ee.mjs'], HOUR);
    await keepOrWriteModule(cacheDir, 'dd', 'export default 2;\n');
    await keepOrWriteModule(cacheDir, 'ff', 'export default 3;\n');
    expect(await pruneDagCache(cacheDir)).toEqual(['mod-ee.mjs']);
    // Content-addressed: a module already there is the same text, so it is kept, not rewritten.
    expect(await readFile(path.join(cacheDir, 'mod-dd.mjs'), 'utf8')).toBe('export default 1;\n');
    expect(await readFile(path.join(cacheDir, 'mod-ff.mjs'), 'utf8')).toBe('export default 3;\n');
  });

  it('deletes old modules no catalog names and keeps named or young ones', async () => {
    const dagsDir = path.join(root, 'dags');
    await mkdir(dagsDir);
    await writeCatalogCache(cacheDir, dagsDir, new Map([['/x.ts', result('aa')]]));
    for (const hash of ['aa', 'bb', 'cc']) await writeFile(path.join(cacheDir, `mod-${hash}.mjs`), 'export default 1;\n');
    await age(['mod-aa.mjs', 'mod-bb.mjs'], HOUR);
    expect(await pruneDagCache(cacheDir)).toEqual(['mod-bb.mjs']);
    expect((await readdir(cacheDir)).filter((n) => n.startsWith('mod-')).sort()).toEqual(['mod-aa.mjs', 'mod-cc.mjs']);
  });

  it('deletes the catalog of a DAGs folder that is gone, then its modules', async () => {
    const gone = path.join(root, 'gone');
    await mkdir(gone);
    await writeCatalogCache(cacheDir, gone, new Map([['/x.ts', result('dd')]]));
    await writeFile(path.join(cacheDir, 'mod-dd.mjs'), 'export default 1;\n');
    await rm(gone, { recursive: true });
    await age(await readdir(cacheDir), HOUR);
    expect((await pruneDagCache(cacheDir)).sort()).toEqual([expect.stringMatching(/^catalog-[0-9a-f]+\.json$/), 'mod-dd.mjs']);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('deletes catalogs of another toolchain, scratch files and all but the newest typecheck results', async () => {
    await writeFile(path.join(cacheDir, 'catalog-0123456789abcdef.json'), JSON.stringify({ format: 3, toolchain: 'weir@0.0.1 esbuild@0.1.0', baseDir: root, files: {} }));
    await writeFile(path.join(cacheDir, 'mod-ee.mjs.123.tmp'), '');
    const typechecks = ['typecheck-01.json', 'typecheck-02.json', 'typecheck-03.json'];
    for (const name of typechecks) await writeFile(path.join(cacheDir, name), '{}');
    await age(['catalog-0123456789abcdef.json', 'mod-ee.mjs.123.tmp'], HOUR);
    await Promise.all(typechecks.map((name, i) => age([name], (3 - i) * HOUR)));
    const deleted = await pruneDagCache(cacheDir, { keepTypechecks: 1 });
    expect(deleted.sort()).toEqual(['catalog-0123456789abcdef.json', 'mod-ee.mjs.123.tmp', 'typecheck-01.json', 'typecheck-02.json']);
    expect(await readdir(cacheDir)).toEqual(['typecheck-03.json']);
  });

  it('is what a load does after a change: a module no file uses any more goes, one an unchanged file still uses stays', async () => {
    const dagsDir = path.join(root, 'dags');
    await mkdir(dagsDir);
    const source = (id: string, value: number) => `import { dag } from 'weir';\nexport default dag({ id: '${id}' }).task('a', async () => ${value});\n`;
    await writeFile(path.join(dagsDir, 'one.ts'), source('one', 1));
    await writeFile(path.join(dagsDir, 'two.ts'), source('two', 2));
    const cache = dagCacheDir(dagsDir);
    const moduleOf = (catalog: DagPlanCatalog, id: string) => path.basename(catalog.dags.get(id)?.modulePath ?? 'none');
    // The cache is shared with other loads in this repository: age only this folder's modules.
    const ageModules = (names: string[]) => Promise.all(names.map((name) => utimes(path.join(cache, name), new Date(Date.now() - HOUR), new Date(Date.now() - HOUR))));
    const first = await loadDagPlans(dagsDir);
    await ageModules([moduleOf(first, 'one'), moduleOf(first, 'two')]);
    await writeFile(path.join(dagsDir, 'two.ts'), source('two', 3));
    const second = await loadDagPlans(dagsDir);
    expect(second.problems).toEqual([]);
    expect(moduleOf(second, 'two')).not.toBe(moduleOf(first, 'two'));
    expect(moduleOf(second, 'one')).toBe(moduleOf(first, 'one'));
    await ageModules([moduleOf(second, 'two')]);
    await writeFile(path.join(dagsDir, 'two.ts'), source('two', 4));
    const third = await loadDagPlans(dagsDir);
    const after = await readdir(cache);
    expect(after).toContain(moduleOf(first, 'one'));
    expect(after).toContain(moduleOf(third, 'two'));
    expect(after).not.toContain(moduleOf(second, 'two'));
  }, 30_000);
});
