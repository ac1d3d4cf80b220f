import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from './test-fixtures.ts';
import type { Workspace } from './test-fixtures.ts';
import { validateFile } from './validate-file.ts';
import type { Expectations } from './expectations.ts';

// A million rows shows the checks stay in DuckDB; speed itself is measured by benchmarks.
const MILLION_ROWS = `
  SELECT i AS id,
         (i % 80) - 30 + 0.25 AS temp_max,
         ['sun', 'rain', 'snow', 'fog'][1 + i % 4] AS weather,
         CASE WHEN i % 1000 = 0 THEN NULL ELSE i % 97 END AS humidity
  FROM range(1000000) t(i)`;

const expectations: Expectations = {
  columns: {
    id: { type: 'integer', unique: true, notNull: true },
    temp_max: { type: 'float', between: [-30, 50] },
    weather: { type: 'string', allowedValues: ['sun', 'rain', 'snow', 'fog'] },
    humidity: { type: 'numeric', notNull: { mostly: 0.99 }, between: [0, 100] },
  },
  rowCount: { min: 1_000_000, max: 1_000_000 },
  schema: { allowExtraColumns: false },
};

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(() => ws.cleanup());

describe('validateFile on a million rows', () => {
  for (const name of ['million.csv', 'million.parquet']) {
    it(`validates ${name}`, { timeout: 120_000 }, async () => {
      const file = await ws.writeQuery(name, MILLION_ROWS);
      const summary = await validateFile(file, expectations, { artifacts: ws.artifacts, key: `${name}.json` });
      expect(summary).toMatchObject({ passed: true, rowCount: 1_000_000, failures: [] });

      const strict = await validateFile(file, { columns: { humidity: { notNull: true }, temp_max: { between: [-30, 40] } } }, { artifacts: ws.artifacts, key: `${name}-strict.json` });
      expect(strict.failures).toEqual([
        expect.stringContaining('humidity: 1000 of 1000000 values are null'),
        expect.stringContaining('temp_max: 125000 of 1000000 values'),
      ]);
    });
  }
});
