import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The baseline of the CSV memory benchmarks: DuckDB counts a file's rows in one streamed pass,
 * the least any reader of the whole file must spend.
 */
export async function countCsvRowsWithDuckDb(file: string): Promise<number | undefined> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const result = await db.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_csv('${file.replaceAll("'", "''")}', header = true)`);
  return result.getRowObjectsJson()[0]?.n as number | undefined;
}
