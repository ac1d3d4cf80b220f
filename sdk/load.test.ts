import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDagFolder, loadDagPlans } from './load.ts';

// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `load-${process.pid}`);

const FILES: Record<string, string> = {
  'good.ts': "import { dag } from 'weir';\nexport default dag({ id: 'good' }).task('a', async () => 1);\n",
  'also_good.ts': "import { dag } from 'weir';\nexport default dag({ id: 'also_good' }).task('a', async () => 1).task('b', { needs: ['a'] }, async (c) => c.outputs.a + 1);\n",
  'syntax.ts': "import { dag } from 'weir';\nexport default dag({ id: 'syntax' }).task('a', async () => {;\n",
  'throws.ts': "throw new Error('database password not set');\n",
  'missing_import.ts': "import { nothing } from './does-not-exist.ts';\nexport default nothing;\n",
  'not_a_dag.ts': 'export default { id: "pretend" };\n',
  'zz_duplicate.ts': "import { dag } from 'weir';\nexport default dag({ id: 'good' }).task('a', async () => 1);\n",
  '_helper.ts': 'export const ignored = true;\n',
};

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  for (const [name, source] of Object.entries(FILES)) await writeFile(path.join(dir, name), source);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadDagFolder', () => {
  it('loads the good DAGs and reports each bad file without stopping', async () => {
    const catalog = await loadDagFolder(dir);
    expect([...catalog.dags.keys()].sort()).toEqual(['also_good', 'good']);
    const byFile = Object.fromEntries(catalog.problems.map((p) => [p.file, p.message]));
    expect(Object.keys(byFile).sort()).toEqual(['missing_import.ts', 'not_a_dag.ts', 'syntax.ts', 'throws.ts', 'zz_duplicate.ts']);
    expect(byFile['syntax.ts']).toMatch(/^syntax error: /);
    expect(byFile['throws.ts']).toBe('the file threw while it was imported: Error: database password not set');
    expect(byFile['missing_import.ts']).toMatch(/does-not-exist/);
    expect(byFile['not_a_dag.ts']).toMatch(/not a DAG/);
    expect(byFile['zz_duplicate.ts']).toBe('DAG id "good" is already defined in good.ts');
  }, 30_000);

  it('loads one folder twice at the same time', async () => {
    // Only good files, so both loads take the bundled fast path and write the same cache file.
    const goodDir = path.join(dir, 'only-good');
    await mkdir(goodDir, { recursive: true });
    for (const name of ['good.ts', 'also_good.ts']) await writeFile(path.join(goodDir, name), FILES[name]!);
    const [first, second] = await Promise.all([loadDagFolder(goodDir), loadDagFolder(goodDir)]);
    for (const catalog of [first, second]) {
      expect(catalog.problems).toEqual([]);
      expect([...catalog.dags.keys()].sort()).toEqual(['also_good', 'good']);
    }
  }, 30_000);

  it('says which DAGs declare a params schema, so a trigger of one that does not imports nothing to check params', async () => {
    const paramsDir = path.join(dir, 'params');
    await mkdir(paramsDir, { recursive: true });
    await writeFile(path.join(paramsDir, 'good.ts'), FILES['good.ts']!);
    await writeFile(
      path.join(paramsDir, 'takes_params.ts'),
      "import { z } from 'zod';\nimport { dag } from 'weir';\nexport default dag({ id: 'takes_params', params: z.object({ n: z.number() }) }).task('a', async () => 1);\n",
    );
    // Fresh, then from the cache: both say the same.
    for (const catalog of [await loadDagPlans(paramsDir, { cache: false }), await loadDagPlans(paramsDir), await loadDagPlans(paramsDir)]) {
      expect(catalog.problems).toEqual([]);
      expect(catalog.dags.get('good')?.takesParams).toBe(false);
      expect(catalog.dags.get('takes_params')?.takesParams).toBe(true);
    }
    // Two loads that run the files, each a second or more on a busy machine: more than the 5 s default.
  }, 30_000);

  it('reports a missing folder as a problem, not a crash', async () => {
    const catalog = await loadDagFolder(path.join(dir, 'nope'));
    expect(catalog.dags.size).toBe(0);
    expect(catalog.problems[0]?.message).toMatch(/cannot read the DAGs folder/);
  });
});
