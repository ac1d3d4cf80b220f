import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDagFiles } from './load.ts';
import { typecheckDagFiles, typecheckDagFilesCached } from './typecheck.ts';

// Inside the repository, so `weir`, `zod` and `typescript` resolve from the project as for users.
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `typecheck-${process.pid}`, 'dags');

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'fine.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'fine' }).task('a', async () => 1);\n");
  await writeFile(
    path.join(dir, 'body_error.ts'),
    "import { dag } from 'weir';\nexport default dag({ id: 'body_error' }).task('a', async () => {\n  const n: number = 'not a number';\n  return n;\n});\n",
  );
});
afterAll(async () => rm(path.dirname(dir), { recursive: true, force: true }));

describe('typecheckDagFiles', () => {
  it("reports a type error in a task body at file:line with the project's TypeScript", async () => {
    const files = await findDagFiles(dir);
    const result = typecheckDagFiles(files, dir);
    expect(result.skipped).toBeUndefined();
    expect(result.problems).toEqual([{ file: 'body_error.ts:3:9', message: "type error TS2322: Type 'string' is not assignable to type 'number'." }]);
    // The second check of an unchanged folder is read back, with the same problems.
    const cacheDir = path.join(path.dirname(dir), 'cache');
    const first = await typecheckDagFilesCached(files, dir, cacheDir);
    const second = await typecheckDagFilesCached(files, dir, cacheDir);
    expect(second).toEqual(first);
    expect(second.problems).toEqual(result.problems);
  }, 180_000);

  it('says why it skipped when the project has no typescript package', () => {
    const result = typecheckDagFiles([], '/');
    expect(result.skipped).toMatch(/no `typescript` package/);
  });

  it('skips with a note, not a crash, when the project has a TypeScript without the compiler API', async () => {
    const project = path.join(path.dirname(dir), 'native-ts');
    await mkdir(path.join(project, 'node_modules', 'typescript'), { recursive: true });
    await writeFile(path.join(project, 'node_modules', 'typescript', 'package.json'), JSON.stringify({ name: 'typescript', version: '7.0.2', main: 'index.js' }));
    await writeFile(path.join(project, 'node_modules', 'typescript', 'index.js'), "module.exports = { version: '7.0.2' };\n");
    const result = typecheckDagFiles([path.join(project, 'a.ts')], project);
    expect(result.problems).toEqual([]);
    expect(result.skipped).toMatch(/^the project's typescript 7\.0\.2 has no JavaScript compiler API/);
  });
});
