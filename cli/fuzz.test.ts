import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture-io.ts';
import { runCli } from './run-cli.ts';

// Fixed seed so CI failures reproduce; fast-check prints the seed and path of any failure.
const SEED = 20_260_131;
const SDK_INDEX = fileURLToPath(new URL('../sdk/index.ts', import.meta.url));
const CLOSED_PORT = '127.0.0.1:1';

/**
 * No TEMPORAL_ADDRESS here: the client's connect timeout is a fixed 5 s, too slow to fuzz, and
 * without it (and with no stack file in the temp folder) a command that needs Temporal fails at
 * once with "no dev stack found". DATABASE_URL points at a closed port, which fails at once too.
 */
const FUZZ_ENV = { DATABASE_URL: `postgres://weir:weir@${CLOSED_PORT}/weir` };

let folder: string;
let dagsDir: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'weir-cli-fuzz-'));
  dagsDir = path.join(folder, 'dags');
  await mkdir(dagsDir);
  // A hand-written params schema keeps the file free of imports a temp folder cannot resolve.
  await writeFile(
    path.join(dagsDir, 'fuzz_good.ts'),
    [
      `import { dag } from ${JSON.stringify(SDK_INDEX)};`,
      'const params = {',
      '  safeParse(input: Record<string, unknown>) {',
      '    const times = input.times ?? 1;',
      "    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) return { success: false as const, error: { issues: [{ path: ['times'], message: 'must be a whole number >= 1' }] } };",
      '    return { success: true as const, data: { ...input, times } };',
      '  },',
      '};',
      "export default dag({ id: 'fuzz_good', schedule: '@daily', params }).task('a', async () => 1).task('b', { needs: ['a'] }, async () => 2);",
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function run(argv: readonly string[], env: Record<string, string> = FUZZ_ENV) {
  const io = captureIo({ cwd: folder, env });
  let code: number | undefined;
  let thrown: unknown;
  try {
    code = await runCli(['--dags', dagsDir, ...argv], io);
  } catch (error) {
    thrown = error;
  }
  return { code, thrown, stdout: io.stdout, stderr: io.stderr };
}

type Result = Awaited<ReturnType<typeof run>>;

const STACK_LINE = /^\s+at /m;

/** The invariants every invocation keeps, whatever the arguments. */
function expectCleanOutcome(argv: readonly string[], result: Result): void {
  expect(result.thrown, 'runCli must not throw').toBeUndefined();
  expect([0, 1, 2]).toContain(result.code);
  const verbose = argv.includes('--verbose');
  if (!verbose) for (const entry of [...result.stderr, ...result.stdout]) expect(entry, 'no stack trace without --verbose').not.toMatch(STACK_LINE);
  if (result.code === 0) return;
  // A group command given no subcommand shows its help instead of an error line; that is a usage error.
  const helpShown = result.stderr.length === 1 && /^Usage: /.test(result.stderr[0] ?? '');
  if (helpShown) {
    expect(result.code).toBe(2);
    return;
  }
  const lines = verbose ? result.stderr.slice(0, 1) : result.stderr;
  expect(lines, `exactly one error line for ${JSON.stringify(argv)}`).toHaveLength(1);
  const [line] = lines as [string];
  expect(line.startsWith('weir: ')).toBe(true);
  expect(line).not.toContain('\n');
  // Commander's errors are the usage errors, and describeError marks each with "(see --help)".
  if (line.endsWith('(see --help)')) expect(result.code).toBe(2);
}

// ---------------------------------------------------------------- generators

// `dev`, `start` and `worker` start servers, so they appear only in the deterministic usage errors below.
const SERVER_COMMANDS = new Set(['dev', 'start', 'worker']);
const COMMAND_WORDS = ['dags', 'list', 'show', 'validate', 'trigger', 'runs', 'cancel', 'clear', 'approve', 'backfill', 'pause', 'unpause', 'schedules', 'sync', 'db', 'migrate', 'models', 'history', 'promote', 'rollback', 'help'];
const REAL_FLAGS = ['--json', '--param', '--params-json', '--logical-date', '--wait', '--from', '--to', '--limit', '--dag', '--reject', '--comment', '--reason', '--verbose', '--help', '-h', '-V', '--version', '--port', '--ui-port', '--migrate'];
const VALUES = ['fuzz_good', 'nope', 'times=2', 'times=0', 'times=x', 'name=7', '=x', 'a=', '{"times":3}', '{"times":0}', '[1]', '{', 'null', '2026-01-01', '2026-01-31T02:00:00Z', 'last week', '0', '-1', '1.5', '99999999999999999999', '--', '=', '--=x', '-', 'ünïcødé', '日本語', '🚀', 'a\nb', ' ', ''];

/** A random string that cannot smuggle in a server command or a different DAGs folder. */
const safeString = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constant('x'.repeat(5000))).filter(
  (text) => !SERVER_COMMANDS.has(text) && !text.startsWith('--dags'),
);

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...COMMAND_WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...REAL_FLAGS) },
  { weight: 1, arbitrary: fc.stringMatching(/^--?[a-z][a-z-]{0,10}(=.{0,5})?$/).filter((flag) => !flag.startsWith('--dags')) },
  { weight: 3, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 2, arbitrary: safeString },
);

/** Mostly a real command path first, so the fuzz reaches each command's own parsing. */
const commandPath = fc.constantFrom(
  [], ['dags'], ['dags', 'list'], ['dags', 'show'], ['dags', 'validate'], ['trigger'], ['trigger', 'fuzz_good'], ['runs'], ['runs', 'list'], ['runs', 'show'],
  ['runs', 'cancel'], ['runs', 'clear'], ['approve'], ['backfill'], ['backfill', 'fuzz_good'], ['pause'], ['unpause'], ['schedules'], ['schedules', 'sync'],
  ['db'], ['db', 'migrate'], ['models'], ['models', 'list'], ['models', 'show'], ['models', 'history'], ['models', 'promote'], ['models', 'rollback'], ['help'],
);

const argvArbitrary = fc.tuple(commandPath, fc.array(token, { maxLength: 6 })).map(([head, tail]) => [...head, ...tail]);

// ---------------------------------------------------------------- properties

describe('runCli on random argument vectors', () => {
  it('exits 0, 1 or 2, prints one `weir: ` line per failure, no stack, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(argvArbitrary, async (argv) => {
        expectCleanOutcome(argv, await run(argv));
      }),
      { seed: SEED, numRuns: 250 },
    );
  }, 30_000);

  const usageErrors = fc.oneof(
    // An unknown command.
    safeString.filter((word) => word !== '' && !word.startsWith('-') && !COMMAND_WORDS.includes(word)).map((word) => [word]),
    // An unknown option on a real command, before anything could run.
    fc.tuple(commandPath.filter((p) => p.length > 0 && p[0] !== 'help'), fc.stringMatching(/^[a-z]{1,8}$/)).map(([p, name]) => [...p, `--zz-${name}`]),
    // A missing argument.
    fc.constantFrom(['trigger'], ['dags', 'show'], ['runs', 'show'], ['runs', 'clear', 'r'], ['approve', 'r'], ['pause'], ['models', 'promote', 'm'], ['backfill', 'fuzz_good', '--from', '2026-01-01']),
    // A bad option value.
    fc.string({ maxLength: 10 }).filter((text) => !/^[1-9]\d*$/.test(text.trim())).map((text) => ['runs', 'list', '--limit', text]),
    fc.string({ maxLength: 10 }).filter((text) => !/^\d{4}-/.test(text)).map((text) => ['trigger', 'fuzz_good', '--logical-date', text]),
    fc.string({ maxLength: 10 }).filter((text) => !text.slice(1).includes('=') || text.startsWith('=')).map((text) => ['trigger', 'fuzz_good', '--param', text]),
    fc.oneof(fc.string({ maxLength: 10 }), fc.json().filter((json) => !json.startsWith('{'))).filter((text) => !/^\s*\{[\s\S]*\}\s*$/.test(text)).map((text) => ['trigger', 'fuzz_good', '--params-json', text]),
    fc.string({ maxLength: 10 }).filter((text) => !/^\d+$/.test(text)).map((text) => ['models', 'promote', 'm', text]),
  );

  it('usage errors exit 2 with one `weir: ... (see --help)` line', async () => {
    await fc.assert(
      fc.asyncProperty(usageErrors, async (argv) => {
        const result = await run(argv);
        expectCleanOutcome(argv, result);
        expect(result.code, JSON.stringify(result.stderr)).toBe(2);
        expect(result.stderr).toHaveLength(1);
        expect(result.stderr[0]).toMatch(/^weir: .*\(see --help\)$/);
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, 30_000);
});

// ---------------------------------------------------------------- deterministic examples

describe('each kind of usage error', () => {
  it.each([
    ['unknown command', ['frobnicate'], /^weir: unknown command 'frobnicate'/],
    ['unknown option', ['dags', 'list', '--colour'], /^weir: unknown option '--colour'/],
    ['unknown option on a server command', ['dev', '--colour'], /^weir: unknown option '--colour'/],
    ['unknown option on the worker', ['worker', '--threads', '4'], /^weir: unknown option '--threads'/],
    ['missing argument', ['trigger'], /^weir: missing required argument 'dag'/],
    ['missing required option', ['backfill', 'fuzz_good', '--to', '2026-01-02'], /^weir: required option '--from <iso>' not specified/],
    ['missing option value', ['trigger', 'fuzz_good', '--params-json'], /^weir: option '--params-json <json>' argument missing/],
    ['bad port', ['dev', '--port', '70000'], /"70000" is not a TCP port/],
    ['bad UI port', ['start', '--ui-port', '0'], /"0" is not a TCP port/],
    ['bad limit', ['runs', 'list', '--limit', '0'], /"0" is not a whole number >= 1/],
    ['bad date', ['trigger', 'fuzz_good', '--logical-date', '2026-01-31T02:00'], /is not an ISO date/],
    ['bad --param', ['trigger', 'fuzz_good', '--param', '=5'], /is not key=value/],
    ['bad --params-json', ['trigger', 'fuzz_good', '--params-json', '{"times":'], /not valid JSON/],
    ['non-object --params-json', ['trigger', 'fuzz_good', '--params-json', '"s"'], /must be a JSON object/],
    ['bad version', ['models', 'promote', 'm', 'v2'], /"v2" is not a version number/],
    ['too many arguments', ['dags', 'show', 'a', 'b'], /too many arguments/],
    ['very long unknown option', ['dags', 'list', `--${'x'.repeat(10_000)}`], /^weir: unknown option '--x+'/],
  ])('%s exits 2', async (_what, argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(message);
    expect(result.stderr[0]).toMatch(/\(see --help\)$/);
  });

  it('a --verbose usage error adds the stack after the one line', async () => {
    const result = await run(['--verbose', 'dags', 'list', '--colour']);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toMatch(/^weir: unknown option '--colour'/);
    expect(result.stderr.slice(1).join('\n')).toMatch(STACK_LINE);
  });

  it('bad params fail with 1 before any server is contacted', async () => {
    const result = await run(['trigger', 'fuzz_good', '--param', 'times=0']);
    expect(result).toMatchObject({ code: 1, stderr: [expect.stringMatching(/^weir: Invalid params for DAG fuzz_good: times: /)] });
  });

  it('a command needing Temporal fails with 1 and one line when TEMPORAL_ADDRESS is a closed port', async () => {
    const result = await run(['trigger', 'fuzz_good'], { ...FUZZ_ENV, TEMPORAL_ADDRESS: CLOSED_PORT });
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^weir: cannot reach Temporal at 127\.0\.0\.1:1: /)]);
  }, 20_000);

  it('a command needing Postgres fails with 1 and one line when DATABASE_URL is a closed port', async () => {
    const result = await run(['models', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^weir: .*ECONNREFUSED/)]);
  });
});
