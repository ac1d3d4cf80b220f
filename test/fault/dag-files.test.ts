import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDagPlans } from '../../sdk/load.ts';
import { liveLoadingChildren } from '../processes.ts';
import { REPO, STACK_LINE } from './outside.ts';
import { checkFaults } from './seed.ts';

// Inside the repository, so the files' `import { dag } from 'weir'` resolves as it does for users.
const root = path.join(REPO, 'test', '.tmp', `fault-dag-files-${process.pid}`);
afterAll(async () => rm(root, { recursive: true, force: true }));

const LIMITS = { fileTimeoutMs: 1500, memoryLimitMb: 128 };
const IMPORT_DAG = "import { dag } from 'weir';\nimport { z } from 'zod';\n";
const GOOD_TAIL = (id: string) => `export default dag({ id: '${id}' }).task('a', async () => 1);\n`;

/** One DAG file: its source, and what loading it must report (null: it must load). */
interface FaultFile {
  kind: string;
  source: (id: string) => string;
  expected: RegExp | null;
}

const messageText = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\n', '\t', '"', '\\', 'é', '日', '`', '$', '{', '}'), maxLength: 20 });

const faultFile: fc.Arbitrary<FaultFile> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<FaultFile>({ kind: 'good', source: (id) => IMPORT_DAG + GOOD_TAIL(id), expected: null }) },
  // Noise at import that must not matter: output on both streams, a timer left running.
  {
    weight: 1,
    arbitrary: fc.constant<FaultFile>({
      kind: 'noisy',
      source: (id) => `${IMPORT_DAG}for (let i = 0; i < 2000; i++) { console.log('out', i); console.error('err', i); }\nsetInterval(() => {}, 1000);\n${GOOD_TAIL(id)}`,
      expected: null,
    }),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }).map<FaultFile>((code) => ({ kind: `exit ${code}`, source: () => `process.exit(${code});\n`, expected: new RegExp(`^exited with code ${code} while it was imported$`) })) },
  { weight: 1, arbitrary: fc.constant<FaultFile>({ kind: 'kill', source: () => "process.kill(process.pid, 'SIGKILL');\n", expected: /^crashed the loading process \(signal SIGKILL\) while it was imported$/ }) },
  {
    weight: 2,
    arbitrary: messageText.map<FaultFile>((text) => ({
      kind: `throw Error ${JSON.stringify(text)}`,
      source: (id) => `${IMPORT_DAG}throw new Error(${JSON.stringify(text)});\n${GOOD_TAIL(id)}`,
      expected: /^the file threw while it was imported: Error: /,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('42', 'null', 'undefined', "'a\\nmulti-line\\nstring'", "{ reason: 'x' }", 'Object.create(null)', "{ toString() { throw new Error('no') } }", "Symbol('s')", '[1, 2]')
      .map<FaultFile>((value) => ({ kind: `throw ${value}`, source: (id) => `${IMPORT_DAG}throw ${value};\n${GOOD_TAIL(id)}`, expected: /^the file threw while it was imported: / })),
  },
  {
    weight: 1,
    arbitrary: messageText.map<FaultFile>((text) => ({
      kind: `await rejection ${JSON.stringify(text)}`,
      source: (id) => `${IMPORT_DAG}await Promise.reject(new TypeError(${JSON.stringify(text)}));\n${GOOD_TAIL(id)}`,
      expected: /^the file threw while it was imported: TypeError: /,
    })),
  },
  { weight: 1, arbitrary: fc.constant<FaultFile>({ kind: 'syntax', source: (id) => `${IMPORT_DAG}export default dag({ id: '${id}' ).task(;\n`, expected: /./ }) },
  { weight: 1, arbitrary: fc.constant<FaultFile>({ kind: 'no default', source: () => 'export const notADag = 1;\n', expected: /./ }) },
  { weight: 1, arbitrary: fc.constantFrom('42', 'null', '{ id: 1 }', '() => 1').map<FaultFile>((value) => ({ kind: `default ${value}`, source: () => `export default ${value};\n`, expected: /./ })) },
  {
    weight: 1,
    arbitrary: fc.constant<FaultFile>({
      kind: 'bad params default',
      source: (id) => `${IMPORT_DAG}export default dag({ id: '${id}', params: z.object({ n: z.number().min(1).default(0) }) }).task('a', async () => 1);\n`,
      expected: /^default 0 violates its own schema: /,
    }),
  },
);
// A hang costs two time limits (the batch, then the file alone), so it is in EVERY_KIND below, not drawn here.

/** One of every kind, so each is covered on every run whatever the generator draws. */
const EVERY_KIND: FaultFile[] = [
  ...fc.sample(faultFile.filter((file) => file.kind === 'good'), { numRuns: 1, seed: 1 }),
  { kind: 'exit 0', source: () => 'process.exit(0);\n', expected: /^exited with code 0 while it was imported$/ },
  { kind: 'exit 3', source: () => 'process.exit(3);\n', expected: /^exited with code 3 while it was imported$/ },
  { kind: 'kill', source: () => "process.kill(process.pid, 'SIGKILL');\n", expected: /^crashed the loading process \(signal SIGKILL\) while it was imported$/ },
  ...['42', 'null', "'a\\nmulti-line\\nstring'", 'Object.create(null)', "{ toString() { throw new Error('no') } }", "Symbol('s')"].map<FaultFile>((value) => ({
    kind: `throw ${value}`,
    source: (id) => `${IMPORT_DAG}throw ${value};\n${GOOD_TAIL(id)}`,
    expected: /^the file threw while it was imported: /,
  })),
  { kind: 'throw multi-line Error', source: () => "throw new Error('\\n\\nfirst\\nsecond');\n", expected: /^the file threw while it was imported: Error: first$/ },
  { kind: 'syntax', source: (id) => `${IMPORT_DAG}export default dag({ id: '${id}' ).task(;\n`, expected: /./ },
  { kind: 'no default', source: () => 'export const notADag = 1;\n', expected: /./ },
  { kind: 'hang', source: () => 'while (true) {}\n', expected: /^timed out after 1\.5 s while it was imported$/ },
  { kind: 'good', source: (id) => IMPORT_DAG + GOOD_TAIL(id), expected: null },
];

let folderCount = 0;

/** Loads the files as one folder and checks every invariant; `plan` describes the folder in failures. */
async function expectEachNamedOrLoaded(files: readonly FaultFile[]): Promise<void> {
  const dir = path.join(root, String(folderCount++), 'dags');
  await mkdir(dir, { recursive: true });
  const names = files.map((_file, i) => `f${i}.ts`);
  await Promise.all(files.map((file, i) => writeFile(path.join(dir, names[i] as string), file.source(`fz_${i}`))));

  const catalog = await loadDagPlans(dir, { cache: false, limits: LIMITS });

  const plan = files.map((file, i) => `${names[i]}: ${file.kind}`).join('; ');
  for (const problem of catalog.problems) {
    expect(problem.message, `${plan}: one line`).not.toContain('\n');
    expect(problem.message, plan).not.toMatch(STACK_LINE);
  }
  files.forEach((file, i) => {
    const name = names[i] as string;
    const problems = catalog.problems.filter((problem) => problem.file === name);
    if (file.expected === null) {
      expect(problems, `${plan}: ${name} should load`).toEqual([]);
      expect(catalog.dags.has(`fz_${i}`), `${plan}: ${name} should load`).toBe(true);
    } else {
      expect(problems.length, `${plan}: ${name} must be named`).toBeGreaterThan(0);
      expect(problems.map((problem) => problem.message).join(' | '), `${plan}: ${name}`).toMatch(file.expected);
      expect(catalog.dags.has(`fz_${i}`), `${plan}: ${name} must not load`).toBe(false);
    }
  });
  // Every problem names one of the files: none is blamed on nothing or on a neighbour.
  for (const problem of catalog.problems) expect(names, plan).toContain(problem.file);
  expect(await liveLoadingChildren(), `${plan}: loader processes left running`).toEqual([]);
}

describe('loading a folder of hostile DAG files', () => {
  it('names each kind of bad file in one line with its reason, and loads the good ones', async () => {
    await expectEachNamedOrLoaded(EVERY_KIND);
  }, 60_000);

  it('does the same for generated folders', async () => {
    await checkFaults(fc.asyncProperty(fc.array(faultFile, { minLength: 1, maxLength: 4 }), expectEachNamedOrLoaded), 6);
  }, 110_000);
});
