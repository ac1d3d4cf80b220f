import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRaggedCsvLine, guessDelimiter, raggedCsvMessage } from './ragged-csv.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-ragged-'));
});

async function ragged(text: string, delimiter = ',') {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(file, text);
  return findRaggedCsvLine(file, { delimiter });
}

describe('findRaggedCsvLine', () => {
  it('finds a ragged row in the middle, a footer and a short last line', async () => {
    expect(await ragged('a,b,c\n1,2,3\n4,5\n6,7,8\n')).toEqual({ line: 3, fields: 2, headerFields: 3 });
    expect(await ragged('a,b,c\n1,2,3\nTotal: 1\n')).toEqual({ line: 3, fields: 1, headerFields: 3 });
    expect(await ragged('a,b,c\n1,2,3\n4,5,6\n7,8')).toEqual({ line: 4, fields: 2, headerFields: 3 });
    expect(await ragged('a,b\n1,2,3\n')).toEqual({ line: 2, fields: 3, headerFields: 2 });
  });

  it('accepts well-formed files: quoted delimiters and newlines, escaped quotes, CRLF, blank lines', async () => {
    expect(await ragged('a,b,c\n1,"x,y",3\n2,"multi\nline ""quoted""",4\n\n5,6,7\n')).toBeNull();
    expect(await ragged('a,b\r\n1,2\r\n3,4\r\n')).toBeNull();
    expect(await ragged('a;b\n1;2\n', ';')).toBeNull();
    expect(await ragged('a,b\n1,2')).toBeNull();
  });

  it('counts lines inside quoted fields so the line number points at the record', async () => {
    expect(await ragged('a,b\n"x\ny",2\n3\n')).toEqual({ line: 4, fields: 1, headerFields: 2 });
    expect(await ragged('a,b\r\n1,2\r\n3\r\n')).toEqual({ line: 3, fields: 1, headerFields: 2 });
  });

  it('says it in one line', () => {
    expect(raggedCsvMessage('/d/x.csv', { line: 57, fields: 3, headerFields: 4 })).toBe('/d/x.csv line 57 has 3 fields, but the header has 4');
    expect(guessDelimiter('a;b;c')).toBe(';');
    expect(guessDelimiter('a\tb')).toBe('\t');
  });
});
