import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError, ArtifactPathError, FileArtifactStore } from '../../artifacts/store.ts';
import { DataPathRefusedError } from '../../ops/data-validation/data-roots.ts';
import { STACK_LINE } from './outside.ts';
import { checkFaults } from './seed.ts';
import { validateAsATask } from './task-context.ts';

/**
 * A tree with every kind of path trap, and two roots: `data` (WEIR_DATA_ROOTS) and `artifacts`
 * (the artifact store). Generated paths walk it with `..`, `.`, symlinked folders and files,
 * a FIFO, a device link and a dangling link, as plain paths, relative paths and file:// URIs.
 */
let base: string;
let dataRoot: string;
let artifactRoot: string;
let store: FileArtifactStore;
const CSV = 'a,b\n1,2\n';

beforeAll(async () => {
  // realpath: os.tmpdir() may itself be a symlink, and the oracle compares real paths.
  base = realpathSync(await mkdtemp(path.join(os.tmpdir(), 'weir-fault-paths-')));
  dataRoot = path.join(base, 'data');
  artifactRoot = path.join(base, 'artifacts');
  await mkdir(path.join(dataRoot, 'sub'), { recursive: true });
  await mkdir(path.join(artifactRoot, 'runs', 'r'), { recursive: true });
  await writeFile(path.join(base, 'outside.csv'), CSV);
  await writeFile(path.join(dataRoot, 'good.csv'), CSV);
  await writeFile(path.join(dataRoot, 'sub', 'inner.csv'), CSV);
  await writeFile(path.join(artifactRoot, 'runs', 'r', 'x.csv'), CSV);
  execFileSync('mkfifo', [path.join(dataRoot, 'pipe.csv')]);
  execFileSync('mkfifo', [path.join(artifactRoot, 'runs', 'r', 'pipe.csv')]);
  await symlink('../outside.csv', path.join(dataRoot, 'link-out.csv'));
  await symlink('good.csv', path.join(dataRoot, 'link-in.csv'));
  await symlink('..', path.join(dataRoot, 'dir-out'));
  await symlink('/dev/zero', path.join(dataRoot, 'link-dev'));
  await symlink('nope.csv', path.join(dataRoot, 'dangling'));
  await symlink('/etc/passwd', path.join(artifactRoot, 'runs', 'r', 'esc.csv'));
  await symlink('/etc', path.join(artifactRoot, 'runs', 'etc'));
  await symlink('../../data', path.join(artifactRoot, 'runs', 'data'));
  store = new FileArtifactStore(artifactRoot);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const validate = (file: string) => validateAsATask(file, store, dataRoot);

const START = ['data', 'artifacts', 'base', '/etc', '/dev'] as const;
const SEGMENTS = ['..', '.', '', 'sub', 'dir-out', 'runs', 'r', 'etc', 'data'];
const LAST = ['good.csv', 'inner.csv', 'pipe.csv', 'link-out.csv', 'link-in.csv', 'link-dev', 'dangling', 'outside.csv', 'x.csv', 'esc.csv', 'passwd', 'zero', '', '.', '..'];
const FORMS = ['absolute', 'relative', 'file-url', 'raw-file-url'] as const;

const generatedPath = fc.record({
  start: fc.constantFrom(...START),
  segments: fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 4 }),
  last: fc.constantFrom(...LAST),
  form: fc.constantFrom(...FORMS),
});

/** The path as given, and the absolute path it names before any symlink is resolved. */
function render(input: { start: string; segments: string[]; last: string; form: (typeof FORMS)[number] }) {
  const startDir = input.start === 'data' ? dataRoot : input.start === 'artifacts' ? artifactRoot : input.start === 'base' ? base : input.start;
  // Joined as text, not with path.join, so `..` reaches the code under test unresolved.
  const absolute = [startDir, ...input.segments, input.last].join('/');
  if (input.form === 'relative') return path.relative(process.cwd(), startDir) + '/' + [...input.segments, input.last].join('/');
  if (input.form === 'file-url') return pathToFileURL(absolute).href;
  if (input.form === 'raw-file-url') return `file://${absolute}`;
  return absolute;
}

/** What the file system says the given path really is, independently of the code under test. */
function facts(given: string) {
  let absolute: string;
  try {
    absolute = given.startsWith('file:') ? decodeURIComponent(new URL(given).pathname) : path.resolve(process.cwd(), given);
  } catch {
    return { absolute: given, real: null, regular: false, inData: false, inArtifacts: false };
  }
  let real: string | null = null;
  let regular = false;
  try {
    real = realpathSync(absolute);
    regular = statSync(absolute).isFile();
  } catch {
    real = null;
  }
  const inside = (root: string) => real !== null && (real === root || real.startsWith(root + path.sep));
  return { absolute, real, regular, inData: inside(dataRoot) || inside(artifactRoot), inArtifacts: inside(artifactRoot) };
}

async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: error as Error };
  }
}

function expectOneLineError(error: Error | undefined, what: string): asserts error is Error {
  expect(error, `${what} was accepted`).toBeInstanceOf(Error);
  expect((error as Error).message, what).not.toContain('\n');
  expect((error as Error).message, what).not.toMatch(STACK_LINE);
}

describe('generated paths given to validateData and the artifact store', () => {
  it('validateData reads only regular files inside the roots, and refuses the rest in one line naming the roots', async () => {
    await checkFaults(
      fc.asyncProperty(generatedPath, async (input) => {
        const given = render(input);
        const truth = facts(given);
        const what = `validateData(${JSON.stringify(given)}) [${JSON.stringify(truth)}]`;
        const result = await outcome(validate(given));
        if (truth.real !== null && truth.regular && truth.inData) {
          expect(result.error, what).toBeUndefined();
          expect(result.value?.passed, what).toBe(true);
          return;
        }
        expectOneLineError(result.error, what);
        if (truth.real !== null && !truth.regular) expect(result.error.message, what).toMatch(/is not a regular file/);
        else if (truth.real !== null) {
          expect(result.error, what).toBeInstanceOf(DataPathRefusedError);
          expect(result.error.message, what).toContain(`is outside the data roots (${artifactRoot}, ${dataRoot})`);
        }
      }),
      300,
    );
  }, 60_000);

  it('the artifact store reads only regular files inside its root, never through a symlink, and names its root when it refuses', async () => {
    await checkFaults(
      fc.asyncProperty(generatedPath, async (input) => {
        // Keys relative to the root as well as paths and URIs: a key is what tasks pass around.
        const given = input.form === 'relative' ? [...input.segments, input.last].join('/') : render(input);
        const absolute = input.form === 'relative' ? path.join(artifactRoot, given) : facts(given).absolute;
        const truth = facts(absolute);
        const what = `readText(${JSON.stringify(given)}) [${JSON.stringify(truth)}]`;
        const result = await outcome(store.readText(given));
        if (result.error === undefined) {
          // Whatever it read lies inside the root, is a regular file, and is what it says it is.
          expect(truth.inArtifacts && truth.regular, `${what} read outside the root`).toBe(true);
          expect(lstatSync(path.resolve(absolute)).isSymbolicLink(), `${what} followed a symlink`).toBe(false);
          expect(result.value, what).toBe(readFileSync(truth.real as string, 'utf8'));
          return;
        }
        expectOneLineError(result.error, what);
        if (result.error instanceof ArtifactNotFoundError) {
          // Only for a path where nothing is: never as cover for a refusal.
          expect(truth.real, what).toBeNull();
          return;
        }
        expect(result.error, what).toBeInstanceOf(ArtifactPathError);
        expect(result.error.message, what).toContain(`(artifact root: ${artifactRoot})`);
      }),
      300,
    );
  }, 60_000);

  // Strings no path generator would build: NUL bytes, line breaks, odd URL forms, huge names.
  const oddPath = fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '\0',
      '/etc/passwd\0.csv',
      'data.csv\n/etc/passwd',
      'file://localhost/etc/passwd',
      'file:/etc/passwd',
      'FILE:///etc/passwd',
      'file:///etc%2fpasswd',
      'file:///etc/%2e%2e/etc/passwd',
      'file://',
      'file:',
      '~/.ssh/id_rsa',
      '/proc/self/environ',
      '/proc/self/fd/0',
      `/${'a'.repeat(5000)}.csv`,
    ),
    fc.string({ maxLength: 30 }),
  );

  it('odd strings are refused in one line, never with a stack trace, and never read outside the roots', async () => {
    await checkFaults(
      fc.asyncProperty(oddPath, async (given) => {
        const truth = facts(given);
        for (const [where, attempt] of [
          ['validateData', () => validate(given)],
          ['artifact store', () => store.readText(given)],
        ] as const) {
          const what = `${where}(${JSON.stringify(given)})`;
          const result = await outcome<unknown>(attempt());
          if (result.error === undefined) expect(truth.regular && (where === 'validateData' ? truth.inData : truth.inArtifacts), `${what} was accepted`).toBe(true);
          else expectOneLineError(result.error, what);
        }
      }),
      150,
    );
  }, 60_000);
});
