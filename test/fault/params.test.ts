import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../cli/capture-io.ts';
import { runCli } from '../../cli/run-cli.ts';
import { STACK_LINE } from './outside.ts';
import { checkFaults } from './seed.ts';

const DAGS = fileURLToPath(new URL('./dags/', import.meta.url));
const KNOWN = ['n', 'label', 'threshold'] as const;
let cwd: string;

/**
 * `weir trigger` in this process, as cli/fuzz.test.ts runs it: params are checked before any
 * server is contacted, and with no TEMPORAL_ADDRESS and no stack file a valid trigger ends at
 * "no dev stack found", so every case is fast and needs no stack.
 */
async function trigger(...args: string[]) {
  const io = captureIo({ cwd, env: {} });
  const code = await runCli(['--dags', DAGS, 'trigger', 'fault_params', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'weir-fault-params-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      row[j] = Math.min((rows[i - 1] as number[])[j]! + 1, row[j - 1]! + 1, (rows[i - 1] as number[])[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (rows[a.length] as number[])[b.length]!;
}

/** One edit (insert, delete, replace, swap) of a known key that is nearer to it than to any other. */
const typo = fc
  .tuple(fc.constantFrom(...KNOWN), fc.nat(), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_0123456789'), fc.constantFrom('insert', 'delete', 'replace', 'swap'))
  .map(([key, at, letter, edit]) => {
    const i = at % (key.length + 1);
    if (edit === 'insert') return { key, typed: key.slice(0, i) + letter + key.slice(i) };
    const j = Math.min(i, key.length - 1);
    if (edit === 'delete') return { key, typed: key.slice(0, j) + key.slice(j + 1) };
    if (edit === 'replace') return { key, typed: key.slice(0, j) + letter + key.slice(j + 1) };
    const k = Math.min(j, key.length - 2);
    return { key, typed: k < 0 ? key : key.slice(0, k) + key.charAt(k + 1) + key.charAt(k) + key.slice(k + 2) };
  })
  .filter(({ key, typed }) => typed !== '' && !KNOWN.includes(typed as never) && KNOWN.every((other) => other === key || distance(typed.toLowerCase(), other) > distance(typed.toLowerCase(), key)));

/** Keys no DAG should see as known, including the names every JavaScript object inherits. */
const strangeKey = fc
  .oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'N', 'nn', 'Label', 'threshold.x', 'n.n', '0', '日本', '🚀'),
    fc.string({ minLength: 1, maxLength: 12 }),
  )
  .filter((key) => !key.includes('=') && key.trim() !== '' && !KNOWN.includes(key.trim() as never));

/** A value of the wrong type for each key, as `--param` parses it (JSON when it parses, else a string). */
const badValue = fc.oneof(
  fc.tuple(fc.constant('n'), fc.constantFrom('0', '-1', '1.5', 'true', 'null', '"3"', 'many', '[1]', '{"a":1}', '1e400')),
  fc.tuple(fc.constant('n'), fc.integer({ max: 0 }).map(String)),
  fc.tuple(fc.constant('label'), fc.constantFrom('1', 'true', 'null', '[]', '{}', '2.5')),
  fc.tuple(fc.constant('threshold'), fc.constantFrom('high', 'true', 'null', '[0.5]', '"0.5"')),
);

function expectOneLine(result: { code: number; stdout: string[]; stderr: string[] }, offender: string | RegExp): string {
  expect(result.code).toBe(1);
  expect(result.stderr).toHaveLength(1);
  const [line] = result.stderr as [string];
  expect(line).not.toContain('\n');
  expect(line).not.toMatch(STACK_LINE);
  expect(line.startsWith('weir: Invalid params for DAG fault_params: '), line).toBe(true);
  if (typeof offender === 'string') expect(line).toContain(offender);
  else expect(line).toMatch(offender);
  return line;
}

describe('weir trigger with params a DAG does not take', () => {
  it('control: valid params pass the check and the command stops only at the missing stack', async () => {
    const result = await trigger('--param', 'n=3', '--param', 'label=ok');
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^weir: no dev stack found/)]);
  }, 60_000);

  it('refuses a one-letter typo of a key, naming it and the key it was meant to be', async () => {
    await checkFaults(
      fc.asyncProperty(typo, fc.constantFrom('5', '"text"', '0.25'), async ({ key, typed }, value) => {
        expectOneLine(await trigger('--param', `${typed}=${value}`), `${typed}: unknown param, did you mean "${key}"?`);
      }),
      40,
    );
  }, 60_000);

  it('refuses any unknown key, inherited object names included, through --param and --params-json', async () => {
    await checkFaults(
      fc.asyncProperty(strangeKey, fc.boolean(), async (key, asJson) => {
        const args = asJson ? ['--params-json', JSON.stringify({ [key]: 7 })] : ['--param', `${key}=7`];
        // Object literals cannot hold an own `__proto__` key; build it the way JSON.parse does.
        if (asJson && key === '__proto__') args[1] = '{"__proto__": 7}';
        expectOneLine(await trigger(...args), `${key.trim()}: unknown param, did you mean "`);
      }),
      60,
    );
  }, 60_000);

  it('refuses a value of the wrong type, naming the key', async () => {
    await checkFaults(
      fc.asyncProperty(badValue, async ([key, value]) => {
        expectOneLine(await trigger('--param', `${key}=${value}`), new RegExp(`: ${key}: `));
      }),
      40,
    );
  }, 60_000);
});
