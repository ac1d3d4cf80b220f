import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Expectations } from './expectations.ts';
import type { CheckResult } from './report.ts';
import { createWorkspace, WEATHER_QUERY } from './test-fixtures.ts';
import type { Workspace } from './test-fixtures.ts';
import { validateFile } from './validate-file.ts';

let ws: Workspace;
let weatherCsv: string;
let weatherParquet: string;

beforeAll(async () => {
  ws = await createWorkspace();
  weatherCsv = await ws.writeQuery('weather.csv', WEATHER_QUERY);
  weatherParquet = await ws.writeQuery('weather.parquet', WEATHER_QUERY);
});
afterAll(() => ws.cleanup());

const allPassing: Expectations = {
  columns: {
    temp_max: { type: 'DOUBLE', notNull: { mostly: 0.99 }, between: [-30, 50] },
    weather: { type: 'string', allowedValues: ['sun', 'rain', 'snow'] },
    date: { type: 'date', unique: true, notNull: true },
  },
  rowCount: { min: 100, max: 100 },
  schema: { allowExtraColumns: false },
};

async function run(file: string, expectations: Expectations, key = `${Math.random().toString(36).slice(2)}.json`) {
  const summary = await validateFile(file, expectations, { artifacts: ws.artifacts, key });
  const report = await ws.readReport(summary.reportUri);
  const find = (check: CheckResult['check'], column?: string): CheckResult => {
    const found = report.results.find((result) => result.check === check && result.column === column);
    if (!found) throw new Error(`no ${check} result for ${column ?? 'the file'}`);
    return found;
  };
  return { summary, report, find };
}

describe('validateFile: every expectation passing', () => {
  for (const format of ['csv', 'parquet'] as const) {
    it(`passes a good ${format} file and writes a report with every check`, async () => {
      const { summary, report } = await run(format === 'csv' ? weatherCsv : weatherParquet, allPassing);
      expect(summary).toMatchObject({ passed: true, rowCount: 100, failures: [] });
      expect(report.format).toBe(format);
      expect(report.results.map((result) => `${result.check}:${result.column ?? ''}:${result.status}`)).toEqual([
        'schema::passed',
        'rowCount::passed',
        'type:temp_max:passed',
        'notNull:temp_max:passed',
        'between:temp_max:passed',
        'type:weather:passed',
        'allowedValues:weather:passed',
        'type:date:passed',
        'notNull:date:passed',
        'unique:date:passed',
      ]);
      expect(report.columns).toContainEqual({ name: 'temp_max', type: 'DOUBLE' });
    });
  }

  it('accepts DuckDB type aliases as exact types (INT is INTEGER)', async () => {
    const file = await ws.writeQuery('ints.parquet', 'SELECT i::INTEGER AS n FROM range(10) t(i)');
    const { summary } = await run(file, { columns: { n: { type: 'INT' } } });
    expect(summary.passed).toBe(true);
  });
});

describe('validateFile: each expectation failing', () => {
  it('fails a type family mismatch and names both types', async () => {
    const { summary, find } = await run(weatherParquet, { columns: { weather: { type: 'float' } } });
    expect(summary.passed).toBe(false);
    expect(find('type', 'weather')).toMatchObject({ status: 'failed', observed: { type: 'VARCHAR', family: 'string' } });
    expect(summary.failures).toEqual([expect.stringContaining('weather: type VARCHAR, expected float')]);
  });

  it('reports the values that make a CSV number column text', async () => {
    const file = await ws.writeText('typed.csv', 'id,price\n1,9.5\n2,n/a\n3,12\n4,n/a\n5,unknown\n');
    const { summary, find } = await run(file, { columns: { price: { type: 'float' } } });
    const result = find('type', 'price');
    expect(result.observed).toMatchObject({ type: 'VARCHAR', unconvertibleCount: 3, unconvertibleValues: [{ value: 'n/a', count: 2 }, { value: 'unknown', count: 1 }] });
    expect(result.sampleFailingRows).toHaveLength(3);
    expect(summary.failures[0]).toContain('3 values cannot be read as DOUBLE');
  });

  it('finds a bad value far past the CSV sniffer sample instead of crashing', async () => {
    const file = await ws.writeQuery('late-bad.csv', `SELECT i AS id, CASE WHEN i = 59999 THEN 'oops' ELSE (i * 0.5)::VARCHAR END AS score FROM range(60000) t(i)`);
    const { summary, find } = await run(file, { columns: { score: { type: 'float' } } });
    expect(summary.rowCount).toBe(60000);
    expect(find('type', 'score').observed).toMatchObject({ unconvertibleCount: 1, unconvertibleValues: [{ value: 'oops', count: 1 }] });
  });

  it('applies notNull with a mostly tolerance (Great Expectations semantics)', async () => {
    const file = await ws.writeQuery('nulls.parquet', 'SELECT CASE WHEN i < 2 THEN NULL ELSE i END AS v FROM range(100) t(i)');
    const strict = await run(file, { columns: { v: { notNull: { mostly: 0.99 } } } });
    expect(strict.find('notNull', 'v')).toMatchObject({ status: 'failed', observed: { nullCount: 2, nullFraction: 0.02 } });
    expect(strict.find('notNull', 'v').sampleFailingRows).toEqual([{ v: null }, { v: null }]);
    const tolerant = await run(file, { columns: { v: { notNull: { mostly: 0.98 } } } });
    expect(tolerant.summary.passed).toBe(true);
    const absolute = await run(file, { columns: { v: { notNull: true } } });
    expect(absolute.summary.failures[0]).toMatch(/v: 2 of 100 values are null/);
  });

  it('fails numeric ranges with min/max observed and at most five sample rows', async () => {
    const { summary, find } = await run(weatherCsv, { columns: { temp_max: { between: [-30, 30] } } });
    const result = find('between', 'temp_max');
    expect(result).toMatchObject({ status: 'failed', observed: { unexpectedCount: 10, min: -5, max: 34.5 } });
    expect(result.sampleFailingRows).toHaveLength(5);
    expect(summary.failures[0]).toContain('outside [-30, 30]');
  });

  it('lets a range pass with mostly, and supports one-sided bounds', async () => {
    expect((await run(weatherCsv, { columns: { temp_max: { between: { min: -30, max: 30, mostly: 0.9 } } } })).summary.passed).toBe(true);
    expect((await run(weatherCsv, { columns: { temp_max: { between: { min: -30, max: 30, mostly: 0.91 } } } })).summary.passed).toBe(false);
    expect((await run(weatherCsv, { columns: { temp_max: { between: [null, 34.5] } } })).summary.passed).toBe(true);
    expect((await run(weatherCsv, { columns: { temp_max: { between: { min: 0 } } } })).summary.passed).toBe(false);
  });

  it('counts NaN and Infinity as range failures and reports them explicitly', async () => {
    const file = await ws.writeText('nan.csv', 'x\n1.5\nNaN\ninf\n-Infinity\n2\n\n');
    const { summary, find } = await run(file, { columns: { x: { type: 'float', between: { min: -100 } } } });
    expect(find('type', 'x').status).toBe('passed');
    expect(find('between', 'x').observed).toMatchObject({
      nonNullCount: 5,
      unexpectedCount: 3,
      nanCount: 1,
      positiveInfinityCount: 1,
      negativeInfinityCount: 1,
      min: 1.5,
      max: 2,
    });
    expect(summary.failures[0]).toContain('including 1 NaN and 2 infinite');
  });

  it('fails a range check on a column that is not numeric', async () => {
    const { find } = await run(weatherCsv, { columns: { weather: { between: [0, 1] } } });
    expect(find('between', 'weather')).toMatchObject({ status: 'failed', message: expect.stringContaining('not numeric') });
  });

  it('fails allowed values with each unexpected value and its count', async () => {
    const { find, summary } = await run(weatherCsv, { columns: { weather: { allowedValues: ['sun', 'rain'] } } });
    expect(find('allowedValues', 'weather')).toMatchObject({ status: 'failed', observed: { unexpectedCount: 33, unexpectedValues: [{ value: 'snow', count: 33 }] } });
    expect(summary.failures[0]).toContain('"snow" ×33');
    expect((await run(weatherCsv, { columns: { weather: { allowedValues: { values: ['sun', 'rain'], mostly: 0.67 } } } })).summary.passed).toBe(true);
  });

  it('quotes user-supplied column names and values safely', async () => {
    const file = await ws.writeText('quotes.csv', `"odd ""name""; DROP TABLE data",who\n1,O'Brien\n2,Smith\n`);
    const { summary, report } = await run(file, {
      columns: { 'odd "name"; DROP TABLE data': { type: 'integer', between: [1, 2], unique: true }, who: { allowedValues: ["O'Brien"] } },
    });
    expect(report.results.filter((result) => result.status === 'failed').map((result) => result.check)).toEqual(['allowedValues']);
    expect(summary.failures[0]).toContain('"Smith" ×1');
  });

  it('fails uniqueness with the duplicated values and their counts', async () => {
    const file = await ws.writeQuery('dups.parquet', "SELECT CASE WHEN i IN (3, 4, 5) THEN 'a' WHEN i = 7 THEN 'b' ELSE i::VARCHAR END AS key FROM range(10) t(i) UNION ALL SELECT 'b'");
    const { find } = await run(file, { columns: { key: { unique: true } } });
    const result = find('unique', 'key');
    expect(result.observed).toMatchObject({ duplicatedValueCount: 2, duplicatedRowCount: 5, duplicates: [{ value: 'a', count: 3 }, { value: 'b', count: 2 }] });
    expect(result.sampleFailingRows).toHaveLength(5);
  });

  it('fails row counts outside the bounds', async () => {
    const tooMany = await run(weatherCsv, { rowCount: { max: 99 } });
    expect(tooMany.find('rowCount')).toMatchObject({ status: 'failed', observed: { rowCount: 100, max: 99 } });
    const tooFew = await run(weatherCsv, { rowCount: { min: 101 } });
    expect(tooFew.summary.failures).toEqual(['row count: 100 rows, expected at least 101 rows']);
  });

  it('reports schema drift: unexpected columns when extras are not allowed', async () => {
    const { summary, find } = await run(weatherCsv, { columns: { date: {}, temp_max: {} }, schema: { allowExtraColumns: false } });
    expect(find('schema')).toMatchObject({ status: 'failed', observed: { missing: [], unexpected: ['weather'] } });
    expect(summary.failures).toEqual(['schema: unexpected column weather']);
    expect((await run(weatherCsv, { columns: { date: {} } })).summary.passed).toBe(true);
  });

  it('reports missing columns once and skips their other checks', async () => {
    const { summary, find } = await run(weatherParquet, { columns: { humidity: { type: 'float', notNull: true } } });
    expect(find('schema').observed).toMatchObject({ missing: ['humidity'] });
    expect(find('type', 'humidity').status).toBe('skipped');
    expect(find('notNull', 'humidity').status).toBe('skipped');
    expect(summary.failures).toEqual(['schema: missing column humidity']);
  });

  it('turns a check DuckDB cannot evaluate into a failure with the reason', async () => {
    const { summary, find } = await run(weatherParquet, { columns: { temp_max: { allowedValues: ['hot', 'cold'] } } });
    expect(find('allowedValues', 'temp_max').status).toBe('failed');
    expect(summary.failures[0]).toMatch(/temp_max: could not check allowedValues: .*Conversion/);
  });
});
