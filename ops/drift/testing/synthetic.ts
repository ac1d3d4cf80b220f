import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../duckdb.ts';

export interface SyntheticDatasetOptions {
  rows: number;
  /** Added to the `shifted` column (the `stable` column never moves). */
  shift?: number;
  /** Shares of segments a and b; c takes the rest. */
  segmentMix?: [number, number];
  /** Extra numeric columns `x0..`, for benchmarks with wide files. */
  extraNumeric?: number;
  extraCategorical?: number;
  seed?: number;
}

/**
 * Writes a CSV or Parquet file (by extension) of synthetic model inputs, generated inside DuckDB
 * so even 10M rows never pass through JS. Columns: `stable` and `shifted` (bell-shaped), `segment`
 * (a/b/c), `plan_code` (integers 1–3, categorical by the 5-value rule), `income` (with 10 % nulls).
 */
export async function writeSyntheticDataset(file: string, options: SyntheticDatasetOptions): Promise<void> {
  const [a, b] = options.segmentMix ?? [0.5, 0.3];
  const shift = options.shift ?? 0;
  const columns = [
    '(random() + random() + random()) * 10 AS stable',
    `(random() + random() + random()) * 10 + ${shift} AS shifted`,
    `CASE WHEN u < ${a} THEN 'a' WHEN u < ${a + b} THEN 'b' ELSE 'c' END AS segment`,
    'CAST(1 + floor(random() * 3) AS INTEGER) AS plan_code',
    'CASE WHEN random() < 0.1 THEN NULL ELSE round(20000 + random() * 80000, 2) END AS income',
  ];
  for (let i = 0; i < (options.extraNumeric ?? 0); i++) columns.push(`(random() + random() + random()) * ${i + 1} AS x${i}`);
  for (let i = 0; i < (options.extraCategorical ?? 0); i++) columns.push(`chr(97 + CAST(floor(random() * 8) AS INTEGER)) AS k${i}`);
  const format = file.endsWith('.parquet') ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    await connection.run(`SELECT setseed(${options.seed ?? 0.5})`);
    await connection.run(`COPY (SELECT ${columns.join(', ')} FROM (SELECT random() AS u FROM range(${Math.floor(options.rows)}))) TO ${sqlString(file)} (${format})`);
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
}
