import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dag } from './dag.ts';
import { InvalidParamsError } from './errors.ts';
import { validateParams } from './params.ts';

// Fixed seed so CI failures reproduce; fast-check prints the seed and path of any failure.
const SEED = 20_260_131;
const noop = async () => null;

const schema = z.object({
  minRows: z.number().int().min(0).default(1000),
  table: z.string().min(1),
  regions: z.array(z.enum(['eu', 'us'])).optional(),
  dryRun: z.boolean().default(false),
});
const withParams = dag({ id: 'fuzz_params', params: schema }).task('a', noop);
const withoutParams = dag({ id: 'fuzz_free' }).task('a', noop);

/** Field values that are sometimes right and often wrong for the schema above. */
const fieldValue = fc.oneof(fc.json().map((text) => JSON.parse(text) as unknown), fc.anything({ maxDepth: 2 }), fc.integer(), fc.string({ maxLength: 6 }), fc.constantFrom(['eu'], ['us', 'eu'], ['mars']));

/** Objects shaped like the params, with any of the known keys missing or wrong, plus unknown keys. */
const paramsLike = fc.record(
  { minRows: fieldValue, table: fieldValue, regions: fieldValue, dryRun: fieldValue, extra: fieldValue },
  { requiredKeys: [] },
);

const anyInput = fc.oneof(
  { weight: 3, arbitrary: paramsLike },
  { weight: 2, arbitrary: fc.json().map((text) => JSON.parse(text) as unknown) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withDate: true }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, [], [1, 2], 'text', 42, true, Symbol('s'), noop) },
);

/** Which top-level fields are wrong, worked out without zod so the test does not just echo it. */
function badFields(input: Record<string, unknown>): string[] {
  const bad: string[] = [];
  const { minRows, table, regions, dryRun } = input;
  if (minRows !== undefined && !(typeof minRows === 'number' && Number.isInteger(minRows) && minRows >= 0)) bad.push('minRows');
  if (!(typeof table === 'string' && table.length > 0)) bad.push('table');
  if (regions !== undefined && !(Array.isArray(regions) && regions.every((r) => r === 'eu' || r === 'us'))) bad.push('regions');
  if (dryRun !== undefined && typeof dryRun !== 'boolean') bad.push('dryRun');
  return bad;
}

const KNOWN = ['minRows', 'table', 'regions', 'dryRun'];
function unknownKeys(input: Record<string, unknown>): string[] {
  return Object.keys(input).filter((key) => !KNOWN.includes(key));
}
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPlainObjectInput(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

describe('validateParams on random input', () => {
  it('returns an object or throws an InvalidParamsError that names the DAG and every bad field', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        let result: Record<string, unknown> | undefined;
        let failure: unknown;
        try {
          result = validateParams(withParams, raw);
        } catch (error) {
          failure = error;
        }
        if (failure === undefined) {
          expect(typeof result === 'object' && result !== null && !Array.isArray(result)).toBe(true);
          const input = raw === undefined || raw === null ? {} : (raw as Record<string, unknown>);
          expect(badFields(input)).toEqual([]);
          expect(unknownKeys(input)).toEqual([]);
          expect(result).toMatchObject({ minRows: expect.any(Number), table: expect.any(String), dryRun: expect.any(Boolean) });
          return;
        }
        expect(failure, `expected InvalidParamsError, got ${String(failure)}`).toBeInstanceOf(InvalidParamsError);
        const error = failure as InvalidParamsError;
        expect(error.dagId).toBe('fuzz_params');
        expect(error.message.startsWith('Invalid params for DAG fuzz_params: ')).toBe(true);
        expect(error.issues.length).toBeGreaterThan(0);
        const input = raw === undefined || raw === null ? {} : raw;
        if (!isPlainObjectInput(input)) {
          expect(error.message).toMatch(/params must be a JSON object, got /);
          return;
        }
        const bad = badFields(input);
        const unknown = unknownKeys(input);
        expect(bad.length + unknown.length, `rejected although every field looks fine: ${error.message}`).toBeGreaterThan(0);
        for (const field of bad) expect(error.message, `message must name ${field}`).toMatch(new RegExp(`(: |; )${field}(\\.[^:;]*)?: `));
        for (const key of unknown) expect(error.issues, `issues must name unknown key ${key}`).toContainEqual(expect.stringMatching(new RegExp(`^${escapeRegExp(key)}: unknown param, did you mean "(minRows|table|regions|dryRun)"\\?`)));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  }, 30_000);

  it('without a schema, passes any object through and rejects anything else with InvalidParamsError', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const input = raw === undefined || raw === null ? {} : raw;
        if (isPlainObjectInput(input)) {
          if (input === raw) expect(validateParams(withoutParams, raw)).toBe(raw);
          else expect(validateParams(withoutParams, raw)).toEqual({});
          return;
        }
        expect(() => validateParams(withoutParams, raw)).toThrow(InvalidParamsError);
        expect(() => validateParams(withoutParams, raw)).toThrow(/^Invalid params for DAG fuzz_free: params must be a JSON object/);
      }),
      { seed: SEED, numRuns: 500 },
    );
  }, 30_000);

  it('names an unknown key and the closest known one', () => {
    expect(() => validateParams(withParams, { table: 't', minRow: 5 })).toThrow(
      'Invalid params for DAG fuzz_params: minRow: unknown param, did you mean "minRows"? (known: minRows, table, regions, dryRun)',
    );
    const small = dag({ id: 'small', params: z.object({ n: z.number().default(1) }) }).task('a', noop);
    expect(() => validateParams(small, { nn: 5 })).toThrow(/nn: unknown param, did you mean "n"\?/);
    // A strict schema gets the same message, once, not zod's own as well.
    const strict = dag({ id: 'strict', params: z.strictObject({ n: z.number().default(1) }) }).task('a', noop);
    expect(() => validateParams(strict, { nn: 5 })).toThrow('Invalid params for DAG strict: nn: unknown param, did you mean "n"? (known: n)');
  });

  it('takes extra keys when the schema allows them, and looks through wrappers', () => {
    for (const params of [z.looseObject({ n: z.number() }), z.object({ n: z.number() }).passthrough(), z.object({ n: z.number() }).catchall(z.number())]) {
      const loose = dag({ id: 'loose', params }).task('a', noop);
      expect(validateParams(loose, { n: 1, extra: 2 })).toEqual({ n: 1, extra: 2 });
    }
    const wrapped = dag({ id: 'wrapped', params: z.object({ n: z.number() }).default({ n: 3 }) }).task('a', noop);
    expect(() => validateParams(wrapped, { nn: 5 })).toThrow(/nn: unknown param, did you mean "n"\?/);
  });

  it('names nested fields by their path', () => {
    expect(() => validateParams(withParams, { table: 't', regions: ['eu', 'mars'] })).toThrow(/Invalid params for DAG fuzz_params: regions\.1: /);
  });
});
