import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reloadingCatalog } from './catalog.ts';

// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `ui-catalog-${process.pid}`, 'dags');
afterAll(async () => rm(path.dirname(dir), { recursive: true, force: true }));

describe('the web view reloading its DAG catalog', () => {
  it('loads with the per-file limit it is given, so a hanging file is named under that limit', { timeout: 60_000 }, async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'hangs.ts'), "import { dag } from 'weir';\nwhile (true) {}\nexport default dag({ id: 'hangs' }).task('a', async () => 1);\n");
    await writeFile(path.join(dir, 'fine.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'fine' }).task('a', async () => 1);\n");
    const catalog = await reloadingCatalog(dir, 60_000, { limits: { fileTimeoutMs: 1_000 }, cache: false })();
    expect([...catalog.dags.keys()]).toEqual(['fine']);
    expect(catalog.problems.map((problem) => [problem.file, problem.message])).toEqual([['hangs.ts', 'timed out after 1 s while it was imported']]);
  });
});
