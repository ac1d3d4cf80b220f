import { describe, expect, it } from 'vitest';
import { describeImportError } from './load-errors.ts';

describe('describeImportError', () => {
  it('gives the first line of an Error with its name', () => {
    expect(describeImportError(new RangeError('\n\nno region\nat line 2'))).toBe('the file threw while it was imported: RangeError: no region');
  });

  it('describes any thrown value in one line, even one String() cannot convert', () => {
    const throwing = { toString: () => { throw new Error('no'); } };
    expect([42, null, 'a\nb', Object.create(null), throwing, Symbol('s')].map(describeImportError)).toEqual([
      'the file threw while it was imported: 42',
      'the file threw while it was imported: null',
      'the file threw while it was imported: a',
      'the file threw while it was imported: [object Object]',
      'the file threw while it was imported: [object Object]',
      'the file threw while it was imported: Symbol(s)',
    ]);
  });

  it('calls a missing module an import error', () => {
    const missing = Object.assign(new Error("Cannot find package 'lodash'"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(describeImportError(missing)).toBe("import error: Cannot find package 'lodash'");
  });
});
