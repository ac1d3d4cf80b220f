import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Expectations } from './expectations.ts';
import { createWorkspace, WEATHER_QUERY } from './test-fixtures.ts';
import type { Workspace } from './test-fixtures.ts';
import { validateFile } from './validate-file.ts';

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(() => ws.cleanup());

const weatherExpectations: Expectations = {
  columns: { date: { type: 'date' }, temp_max: { type: 'float', between: [-30, 50] }, weather: { type: 'string' } },
};

async function validate(file: string, expectations: Expectations = weatherExpectations, csv?: { delimiter?: string }) {
  const summary = await validateFile(file, expectations, { artifacts: ws.artifacts, key: `bad/${path.basename(file)}-${Date.now()}.json`, csv });
  return { summary, report: await ws.readReport(summary.reportUri) };
}

describe('validateFile: bad input gives a failure report, never a crash', () => {
  it('reports a missing file', async () => {
    const { summary, report } = await validate(path.join(ws.dir, 'nope.csv'));
    expect(summary).toMatchObject({ passed: false, rowCount: null, failures: [expect.stringMatching(/^file not found: .*nope\.csv$/)] });
    expect(report.results).toEqual([expect.objectContaining({ check: 'input', status: 'failed' })]);
  });

  it('reports a 0-byte file as empty', async () => {
    const { summary } = await validate(await ws.writeText('zero.csv', ''));
    expect(summary.failures).toEqual([expect.stringMatching(/zero\.csv is empty \(0 bytes\)$/)]);
  });

  it('reports a header-only CSV as having no rows, without bogus type failures', async () => {
    const { summary, report } = await validate(await ws.writeText('header-only.csv', 'date,temp_max,weather\n'));
    expect(summary).toMatchObject({ passed: false, rowCount: 0, failures: ['row count: the file has no data rows'] });
    expect(report.results.filter((result) => result.check === 'type').map((result) => result.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('reports a corrupt Parquet file', async () => {
    const { summary } = await validate(await ws.writeText('garbage.parquet', 'this is not parquet at all\n'.repeat(10)));
    expect(summary.failures).toEqual([expect.stringMatching(/garbage\.parquet is not a readable Parquet file: .*magic bytes/i)]);
  });

  it('reports a truncated Parquet file', async () => {
    const good = await ws.writeQuery('whole.parquet', WEATHER_QUERY);
    const bytes = await readFile(good);
    const truncated = path.join(ws.dir, 'truncated.parquet');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const { summary } = await validate(truncated);
    expect(summary.passed).toBe(false);
    expect(summary.failures[0]).toMatch(/truncated\.parquet is not a readable Parquet file/);
  });

  it("detects a ';'-separated file read as ',' and says which delimiter to use", async () => {
    const file = await ws.writeText('semicolon.csv', 'date;temp_max;weather\n2024-01-01;3.5;sun\n2024-01-02;4.0;rain\n');
    const { summary, report } = await validate(file);
    expect(summary.failures).toEqual([
      "schema: missing columns date, temp_max, weather (the file looks ';'-separated but was read with ','; set csv.delimiter to \";\")",
    ]);
    expect(report.columns).toEqual([{ name: 'date;temp_max;weather', type: 'VARCHAR' }]);
    const fixed = await validate(file, weatherExpectations, { delimiter: ';' });
    expect(fixed.summary.passed).toBe(true);
  });

  it("detects a ';'-separated file with decimal commas, which does not even parse as ','", async () => {
    const file = await ws.writeText('eu.csv', 'date;temp_max;weather\n2024-01-01;3,5;sun\n2024-01-02;4,25;rain\n2024-01-03;1;snow\n');
    const { summary } = await validate(file);
    expect(summary.passed).toBe(false);
    expect(summary.failures.join('\n')).toContain("the file looks ';'-separated");
  });

  it('reports columns whose values do not match the expected type', async () => {
    const file = await ws.writeText('types.csv', 'date,temp_max,weather\nyesterday,warm,sun\n2024-01-02,4.0,rain\n');
    const { summary } = await validate(file);
    expect(summary.failures).toEqual([
      expect.stringContaining('date: type VARCHAR, expected date (1 value cannot be read as DATE)'),
      expect.stringContaining('temp_max: type VARCHAR, expected float (1 value cannot be read as DOUBLE)'),
      expect.stringContaining('temp_max: cannot check range, the column is VARCHAR, not numeric'),
    ]);
  });

  it('refuses URLs that are not local files', async () => {
    const { summary } = await validate('s3://bucket/weather.csv');
    expect(summary.failures).toEqual(['"s3://bucket/weather.csv" is not a local file; only local paths and file:// URIs are supported']);
  });

  it('refuses a directory', async () => {
    const dir = path.join(ws.dir, 'a-directory.csv');
    await mkdir(dir);
    const { summary } = await validate(dir);
    expect(summary.failures).toEqual([`${dir} is not a regular file`]);
  });

  it('reads a file:// URI and a Parquet file named without an extension', async () => {
    const file = await ws.writeQuery('part-0000.parquet', WEATHER_QUERY);
    const bare = path.join(ws.dir, 'part-0000');
    await writeFile(bare, await readFile(file));
    const { summary, report } = await validate(pathToFileURL(bare).href);
    expect(summary).toMatchObject({ passed: true, rowCount: 100 });
    expect(report.format).toBe('parquet');
  });
});
