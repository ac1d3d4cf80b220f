import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadingProcess } from './load-isolated.ts';
import { liveLoadingChildren } from '../test/processes.ts';
import { loadDagFolder, loadDagPlans } from './load.ts';

// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `load-isolation-${process.pid}`);
const GOOD = (id: string) => `import { dag } from 'weir';\nexport default dag({ id: '${id}' }).task('a', async () => 1);\n`;

beforeAll(async () => mkdir(root, { recursive: true }));
afterAll(async () => rm(root, { recursive: true, force: true }));

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name, 'dags');
  await mkdir(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) await writeFile(path.join(dir, file), source);
  return dir;
}

function problemsByFile(problems: { file: string; message: string }[]): Record<string, string> {
  return Object.fromEntries(problems.map((p) => [p.file, p.message]));
}

describe('loading DAG files in a separate process', () => {
  it('names a file that hangs, one that exits and one that runs out of memory, and loads the rest', async () => {
    const dir = await folder('hostile', {
      'a_good.ts': GOOD('a_good'),
      'b_hangs.ts': "import { dag } from 'weir';\nwhile (true) {}\nexport default dag({ id: 'b' }).task('a', async () => 1);\n",
      'c_good.ts': GOOD('c_good'),
      'd_exits.ts': "process.exit(3);\n",
      'e_good.ts': GOOD('e_good'),
      'f_memory.ts': "const hoard: string[][] = [];\nwhile (true) hoard.push(new Array(100000).fill('x'.repeat(8)));\n",
      'g_good.ts': GOOD('g_good'),
    });
    const catalog = await loadDagFolder(dir, { limits: { fileTimeoutMs: 3000, memoryLimitMb: 96 } });
    expect([...catalog.dags.keys()].sort()).toEqual(['a_good', 'c_good', 'e_good', 'g_good']);
    const byFile = problemsByFile(catalog.problems);
    expect(Object.keys(byFile).sort()).toEqual(['b_hangs.ts', 'd_exits.ts', 'f_memory.ts']);
    expect(byFile['b_hangs.ts']).toBe('timed out after 3 s while it was imported');
    expect(byFile['d_exits.ts']).toBe('exited with code 3 while it was imported');
    expect(byFile['f_memory.ts']).toBe('ran out of memory (heap limit 96 MB) while it was imported');
    // The DAG objects that loaded are real: their task bodies run here.
    expect(catalog.dags.get('g_good')?.dag.tasks.length).toBe(1);
  }, 60_000);

  it('reports a params default that violates its own schema, naming the field', async () => {
    const dir = await folder('defaults', {
      'bad_default.ts':
        "import { dag } from 'weir';\nimport { z } from 'zod';\nexport default dag({ id: 'bad_default', params: z.object({ n: z.number().min(1).default(0), label: z.string().default('ok') }) }).task('a', async () => 1);\n",
      'good_default.ts':
        "import { dag } from 'weir';\nimport { z } from 'zod';\nexport default dag({ id: 'good_default', params: z.object({ n: z.number().min(1).default(2) }) }).task('a', async () => 1);\n",
    });
    const catalog = await loadDagPlans(dir);
    expect([...catalog.dags.keys()]).toEqual(['good_default']);
    expect(catalog.problems).toEqual([
      { file: 'bad_default.ts', dagId: 'bad_default', field: 'params.n', message: 'default 0 violates its own schema: Too small: expected number to be >=1' },
    ]);
  }, 30_000);

  it('runs a file again only when its content or a helper it imports changed', async () => {
    const counter = path.join(root, 'runs.txt');
    await writeFile(counter, '');
    const counting = (id: string) =>
      `import { appendFileSync } from 'node:fs';\nimport { dag } from 'weir';\nimport { suffix } from './_helper.ts';\nappendFileSync(${JSON.stringify(counter)}, '${id}\\n');\nexport default dag({ id: '${id}' + suffix }).task('a', async () => 1);\n`;
    const dir = await folder('cached', { 'one.ts': counting('one'), 'two.ts': counting('two'), '_helper.ts': "export const suffix = '';\n" });
    const runs = async () => (await readFile(counter, 'utf8')).split('\n').filter(Boolean).sort();

    expect([...(await loadDagPlans(dir)).dags.keys()].sort()).toEqual(['one', 'two']);
    expect(await runs()).toEqual(['one', 'two']);
    await loadDagPlans(dir);
    expect(await runs()).toEqual(['one', 'two']);

    await writeFile(path.join(dir, 'two.ts'), counting('two') + '// edited\n');
    await loadDagPlans(dir);
    expect(await runs()).toEqual(['one', 'two', 'two']);

    await writeFile(path.join(dir, '_helper.ts'), "export const suffix = '_v2';\n");
    expect([...(await loadDagPlans(dir)).dags.keys()].sort()).toEqual(['one_v2', 'two_v2']);
    expect(await runs()).toEqual(['one', 'one', 'two', 'two', 'two']);

    await loadDagPlans(dir, { cache: false });
    expect((await runs()).length).toBe(7);
  }, 60_000);

  it('a loading process started for a compile that then failed is stopped and leaves nothing running', async () => {
    const started = startLoadingProcess(root);
    expect((await liveLoadingChildren()).length).toBe(1);
    started.stop();
    expect(await liveLoadingChildren()).toEqual([]);
    // A folder whose bundle does not compile stops the process it started beside the compile.
    const dir = await folder('does-not-compile', { 'broken.ts': "import { dag } from 'weir';\nexport default dag({ id: 'x' ).task(;\n", 'fine.ts': GOOD('fine') });
    const catalog = await loadDagPlans(dir, { cache: false });
    expect([...catalog.dags.keys()]).toEqual(['fine']);
    expect(catalog.problems.map((problem) => problem.file)).toEqual(['broken.ts']);
    expect(await liveLoadingChildren()).toEqual([]);
  }, 30_000);

  it('runs a file that timed out again when the time limit is longer than the one it overran, and reuses the result otherwise', async () => {
    const dir = await folder('slow', { 'slow.ts': "import { dag } from 'weir';\nwhile (true) {}\nexport default dag({ id: 'slow' }).task('a', async () => 1);\n", 'ok.ts': GOOD('ok') });
    const messages = async (fileTimeoutMs: number) => (await loadDagPlans(dir, { limits: { fileTimeoutMs } })).problems.map((problem) => problem.message);
    expect(await messages(1000)).toEqual(['timed out after 1 s while it was imported']);
    expect(await messages(1500)).toEqual(['timed out after 1.5 s while it was imported']);
    // Not longer than the limit it overran: the cached result stands, and nothing runs.
    expect(await messages(1200)).toEqual(['timed out after 1.5 s while it was imported']);
    expect(await liveLoadingChildren()).toEqual([]);
  }, 60_000);

  it("keeps a local helper's own import.meta.url, so paths it computes point beside it", async () => {
    const dir = await folder('helper-url', {
      '_paths.ts': "import { fileURLToPath } from 'node:url';\nexport const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));\n",
      'uses_helper.ts': "import { dag } from 'weir';\nimport { SCRIPTS } from './_paths.ts';\nexport default dag({ id: 'uses_helper', description: SCRIPTS }).task('a', async () => 1);\n",
    });
    const catalog = await loadDagPlans(dir, { cache: false });
    expect(catalog.problems).toEqual([]);
    expect(catalog.dags.get('uses_helper')?.plan.description).toBe(path.join(dir, 'scripts') + path.sep);
  });
});

