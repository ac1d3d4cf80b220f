import { describe, expect, it } from 'vitest';
import { assertValidExpectations } from './check-expectations.ts';
import { wrongDelimiterHint } from './delimiter-hint.ts';
import { ExpectationConfigError } from './errors.ts';
import type { Expectations } from './expectations.ts';

describe('assertValidExpectations', () => {
  it('accepts a full, sensible set', () => {
    expect(() =>
      assertValidExpectations({
        columns: { a: { type: 'DECIMAL(10, 2)', notNull: { mostly: 0.9 }, between: { min: 0, mostly: 0.5 }, allowedValues: [1, 2], unique: true } },
        rowCount: { min: 0, max: 10 },
      }),
    ).not.toThrow();
  });

  const bad: [string, Expectations, string][] = [
    ['mostly above 1', { columns: { a: { notNull: { mostly: 1.5 } } } }, 'columns.a.notNull.mostly'],
    ['inverted range', { columns: { a: { between: [5, 1] } } }, 'columns.a.between'],
    ['open range', { columns: { a: { between: [null, null] } } }, 'columns.a.between'],
    ['NaN bound', { columns: { a: { between: [Number.NaN, 1] } } }, 'columns.a.between.min'],
    ['empty allowed values', { columns: { a: { allowedValues: [] } } }, 'columns.a.allowedValues'],
    ['mixed allowed values', { columns: { a: { allowedValues: ['1', 1] } } }, 'columns.a.allowedValues'],
    ['SQL in a type', { columns: { a: { type: 'INT); DROP TABLE x; --' } } }, 'columns.a.type'],
    ['negative row count', { rowCount: { min: -1 } }, 'rowCount.min'],
    ['inverted row count', { rowCount: { min: 5, max: 2 } }, 'rowCount'],
  ];
  for (const [name, expectations, field] of bad) {
    it(`rejects ${name}, naming ${field}`, () => {
      let thrown: unknown;
      try {
        assertValidExpectations(expectations);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ExpectationConfigError);
      expect((thrown as ExpectationConfigError).field).toBe(field);
    });
  }
});

describe('wrongDelimiterHint', () => {
  it('names the delimiter that would have found the missing columns', () => {
    expect(wrongDelimiterHint('a\tb\tc', ',', ['b'])).toContain('tab-separated');
    expect(wrongDelimiterHint('"a"|"b"', ',', ['a'])).toContain("'|'-separated");
  });

  it('stays quiet when no delimiter explains the missing columns', () => {
    expect(wrongDelimiterHint('a,b,c', ',', ['d'])).toBeUndefined();
    expect(wrongDelimiterHint('a;b', ',', [])).toBeUndefined();
  });
});
