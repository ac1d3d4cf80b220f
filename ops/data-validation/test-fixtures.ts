import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ArtifactStore } from '../../artifacts/store.ts';
import type { ValidationReport } from './report.ts';

/** A temp folder for data files plus an artifact store beside it, removed by `cleanup`. */
export interface Workspace {
  dir: string;
  artifacts: ArtifactStore;
  /** Writes text verbatim and returns the absolute path. */
  writeText(name: string, text: string): Promise<string>;
  /** Runs `COPY (<query>) TO <file>` in DuckDB: Parquet for `.parquet`, CSV otherwise. */
  writeQuery(name: string, query: string): Promise<string>;
  readReport(uri: string): Promise<ValidationReport>;
  cleanup(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-dv-test-'));
  const artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  return {
    dir,
    artifacts,
    async writeText(name, text) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    },
    async writeQuery(name, query) {
      const file = path.join(dir, name);
      const format = name.endsWith('.parquet') ? '(FORMAT parquet)' : '(FORMAT csv, HEADER true)';
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      try {
        await connection.run(`COPY (${query}) TO '${file.replaceAll("'", "''")}' ${format}`);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
      return file;
    },
    async readReport(uri) {
      return JSON.parse(await artifacts.readText(uri)) as ValidationReport;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A year-like weather table: 100 rows, unique dates, temperatures in [-5, 34.5], three kinds of weather. */
export const WEATHER_QUERY = `
  SELECT (DATE '2024-01-01' + INTERVAL (i) DAY)::DATE AS date,
         ((i % 40) - 5 + 0.5 * (i % 2))::DOUBLE AS temp_max,
         ['sun', 'rain', 'snow'][1 + i % 3] AS weather
  FROM range(100) t(i)`;
