import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture-io.ts';
import { runCli } from './run-cli.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const GOOD_DAGS = path.join(FIXTURES, 'dags');

let emptyFolder: string;
beforeAll(async () => {
  emptyFolder = await mkdtemp(path.join(tmpdir(), 'weir-cli-unit-'));
});
afterAll(async () => {
  await rm(emptyFolder, { recursive: true, force: true });
});

/** Runs the CLI in a folder without a dev stack and with no Temporal configured. */
async function run(...argv: string[]) {
  const io = captureIo({ cwd: emptyFolder, env: {} });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('usage errors exit with 2 and one line', () => {
  it.each([
    ['an unknown command', ['frobnicate'], /^weir: unknown command 'frobnicate'/],
    ['an unknown option', ['dags', 'list', '--colour'], /^weir: unknown option '--colour'/],
    ['a missing argument', ['trigger'], /^weir: missing required argument 'dag'/],
    ['a missing required option', ['backfill', 'x', '--from', '2026-01-01'], /^weir: required option '--to <iso>' not specified/],
    ['an unparseable date', ['backfill', 'x', '--from', 'last week', '--to', '2026-01-02'], /"last week" is not an ISO date/],
    ['a bad --max-runs', ['backfill', 'x', '--from', '2026-01-01', '--to', '2026-01-02', '--max-runs', '0'], /"0" is not a whole number >= 1/],
    ['a --param without "="', ['trigger', 'cli_greet', '--param', 'times'], /is not key=value/],
    ['bad --params-json', ['trigger', 'cli_greet', '--params-json', '[1,2]'], /must be a JSON object/],
    ['a bad port', ['dev', '--port', 'seventy'], /is not a TCP port/],
    ['too many arguments', ['runs', 'show', 'a', 'b'], /too many arguments/],
  ])('%s', async (_what, argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(message);
  });

  it('shows help and exits 2 when no command is given', async () => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toContain('Usage: weir');
  });

  it('exits 0 for --help', async () => {
    const result = await run('trigger', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout.join('\n')).toContain('--params-json');
  });
});

describe('failures exit with 1 and one actionable line', () => {
  it('names an unknown DAG and the DAGs that exist, without a stack', async () => {
    const result = await run('--dags', GOOD_DAGS, 'trigger', 'nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(/^weir: unknown DAG "nope" in .* \(known: cli_broken, cli_greet, cli_sign_off\)$/);
  });

  it('prints the stack too with --verbose', async () => {
    const result = await run('--verbose', '--dags', GOOD_DAGS, 'dags', 'show', 'nope');
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toMatch(/^weir: unknown DAG "nope"/);
    expect(result.stderr.slice(1).join('\n')).toMatch(/UnknownDagError[\s\S]*at /);
  });

  it('rejects bad params before contacting Temporal', async () => {
    const result = await run('--dags', GOOD_DAGS, 'trigger', 'cli_greet', '--param', 'times=0', '--param', 'name=7');
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^weir: Invalid params for DAG cli_greet: name: .*string.*; times: .*/)]);
  });

  it('says how to get a Temporal server when none is configured', async () => {
    const result = await run('--dags', GOOD_DAGS, 'trigger', 'cli_greet', '--param', 'times=2');
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^weir: no dev stack found .*; run `weir dev` in this folder, or set TEMPORAL_ADDRESS$/)]);
  });

  it('says how to get a database when none is configured', async () => {
    const result = await run('db', 'migrate');
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/or set DATABASE_URL$/)]);
  });
});

describe('dags commands without Temporal', () => {
  it('validate reports each problem with its location and exits 1', async () => {
    const result = await run('--dags', path.join(FIXTURES, 'invalid'), 'dags', 'validate');
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([
      expect.stringMatching(/^bad_schedule\.ts › dag cli_validate_bad_schedule › field schedule: invalid cron expression "61 \* \* \* \*"/),
      'not_a_dag.ts: the default export is not a DAG; export default dag({ id: ... })',
      '1 DAG(s) OK',
    ]);
    expect(result.stderr).toEqual(['weir: 2 problem(s) in DAG files']);
  });

  it('validate accepts files and exits 0 when they are fine', async () => {
    const result = await run('dags', 'validate', path.join(FIXTURES, 'invalid', 'good.ts'));
    expect(result).toMatchObject({ code: 0, stdout: ['1 DAG(s) OK'] });
  });

  it('list still works with the paused state unknown', async () => {
    const result = await run('--dags', path.join(FIXTURES, 'invalid'), 'dags', 'list', '--json');
    expect(result.code).toBe(0);
    const listing = JSON.parse(result.stdout.join('\n')) as unknown[];
    expect(listing).toEqual([
      { id: 'cli_validate_good', schedule: '@daily', timezone: 'UTC', nextRun: expect.stringMatching(/T00:00:00\.000Z$/), paused: null, file: 'good.ts' },
    ]);
    expect(result.stderr.join('\n')).toMatch(/paused state unknown/);
  });

  it('show prints the task table and a Mermaid diagram', async () => {
    const result = await run('--dags', GOOD_DAGS, 'dags', 'show', 'cli_greet');
    expect(result.code).toBe(0);
    const text = result.stdout.join('\n');
    expect(text).toMatch(/2\s+repeat\s+task\s+compose\s+all_success/);
    expect(text).toContain('graph TD\n  t0["compose"]\n  t1["repeat"]\n  t0 --> t1');
  });
});
