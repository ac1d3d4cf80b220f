import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { collectParamPair, mergeParams, parseIsoDate, parseParamPair, parseParamsJson, parseParamValue, parsePort } from './parse-options.ts';

describe('parseParamValue', () => {
  it('reads JSON when it parses', () => {
    expect(parseParamValue('500')).toBe(500);
    expect(parseParamValue('true')).toBe(true);
    expect(parseParamValue('["eu","us"]')).toEqual(['eu', 'us']);
    expect(parseParamValue('null')).toBeNull();
    expect(parseParamValue('"007"')).toBe('007');
  });

  it('keeps anything else as the string it is', () => {
    expect(parseParamValue('eu')).toBe('eu');
    expect(parseParamValue('')).toBe('');
    expect(parseParamValue('{broken')).toBe('{broken');
  });
});

describe('parseParamPair', () => {
  it('splits at the first "=" only', () => {
    expect(parseParamPair('query=a=b')).toEqual(['query', 'a=b']);
    expect(parseParamPair('minRows=5')).toEqual(['minRows', 5]);
  });

  it('rejects a pair without a key as a usage error', () => {
    expect(() => parseParamPair('minRows')).toThrow(InvalidArgumentError);
    expect(() => parseParamPair('=5')).toThrow(/key=value/);
  });

  it('collects repeated pairs in order', () => {
    expect(collectParamPair('b=2', collectParamPair('a=1'))).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});

describe('parseParamsJson and mergeParams', () => {
  it('accepts only a JSON object', () => {
    expect(parseParamsJson('{"minRows": 3}')).toEqual({ minRows: 3 });
    expect(() => parseParamsJson('[1]')).toThrow(/JSON object/);
    expect(() => parseParamsJson('{nope')).toThrow(/not valid JSON/);
  });

  it('lets --param override --params-json', () => {
    expect(mergeParams({ minRows: 3, regions: ['eu'] }, [['minRows', 7]])).toEqual({ minRows: 7, regions: ['eu'] });
    expect(mergeParams(undefined, undefined)).toEqual({});
  });

  it('keeps a --param named __proto__ as a key of its own, so the unknown-key check sees it', () => {
    const merged = mergeParams(undefined, [['__proto__', { n: 7 }]]);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.stringify(merged)).toBe('{"__proto__":{"n":7}}');
  });
});

describe('parseIsoDate', () => {
  it('accepts dates and zoned timestamps', () => {
    expect(parseIsoDate('2026-01-31').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseIsoDate('2026-01-31T02:00:00+01:00').toISOString()).toBe('2026-01-31T01:00:00.000Z');
  });

  it('rejects nonsense and timestamps without a zone', () => {
    expect(() => parseIsoDate('yesterday')).toThrow(InvalidArgumentError);
    expect(() => parseIsoDate('2026-13-45')).toThrow(/not an ISO date/);
    expect(() => parseIsoDate('2026-01-31T02:00')).toThrow(/not an ISO date/);
  });
});

describe('parsePort', () => {
  it('accepts 1-65535 only', () => {
    expect(parsePort('8233')).toBe(8233);
    expect(() => parsePort('0')).toThrow(InvalidArgumentError);
    expect(() => parsePort('http')).toThrow(InvalidArgumentError);
  });
});
