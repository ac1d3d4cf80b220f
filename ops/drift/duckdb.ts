import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DriftInputError } from './errors.ts';

/** One DuckDB session over one data file; heavy work stays in DuckDB, only small results reach JS. */
export interface DataFileSession {
  file: string;
  /** SQL table expression reading the file, e.g. `read_parquet('...')`. */
  source: string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  columns(): Promise<{ name: string; sqlType: string }[]>;
  close(): void;
}

export interface DuckDbLimits {
  /** DuckDB worker threads; default: DuckDB's own (all cores). */
  threads?: number;
  /** e.g. '1GB'; DuckDB spills to disk beyond it. */
  memoryLimit?: string;
}

/** Accepts a path or a `file://` URI (artifact URIs), as CSV (optionally gzipped) or Parquet. */
export async function openDataFile(fileOrUri: string, limits: DuckDbLimits = {}): Promise<DataFileSession> {
  const file = fileOrUri.startsWith('file:') ? fileURLToPath(fileOrUri) : fileOrUri;
  try {
    await access(file);
  } catch {
    throw new DriftInputError(`Data file ${file} does not exist or cannot be read`, file);
  }
  const source = sourceFor(file);
  const options: Record<string, string> = {};
  if (limits.threads !== undefined) options.threads = String(limits.threads);
  if (limits.memoryLimit !== undefined) options.memory_limit = limits.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', options);
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (error) {
    instance.closeSync();
    throw error;
  }
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map(plainRow);
    } catch (error) {
      throw new DriftInputError(`Reading ${file} failed: ${error instanceof Error ? error.message : String(error)}`, file);
    }
  };
  return {
    file,
    source,
    query,
    async columns() {
      const rows = await query(`DESCRIBE SELECT * FROM ${source}`);
      return rows.map((row) => ({ name: String(row.column_name), sqlType: String(row.column_type) }));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The SQL table expression reading a data file (path or `file://` URI), after checking it is readable. */
export async function dataFileSource(fileOrUri: string): Promise<{ file: string; source: string }> {
  const file = fileOrUri.startsWith('file:') ? fileURLToPath(fileOrUri) : fileOrUri;
  try {
    await access(file);
  } catch {
    throw new DriftInputError(`Data file ${file} does not exist or cannot be read`, file);
  }
  return { file, source: sourceFor(file) };
}

function sourceFor(file: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return `read_parquet(${sqlString(file)})`;
  if (/\.(csv|tsv|txt)(\.gz|\.zst)?$/.test(lower)) return `read_csv(${sqlString(file)}, header = true)`;
  throw new DriftInputError(`Data file ${file} is neither CSV (.csv, .tsv, optionally .gz) nor Parquet (.parquet)`, file);
}

/** BIGINT counts come back as bigint; everything we read fits a double. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'bigint' ? Number(value) : value;
  return out;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/i;
const CATEGORY_TYPE = /^(VARCHAR|BOOLEAN|ENUM\(.*\))$/i;

export function isNumericType(sqlType: string): boolean {
  return NUMERIC_TYPE.test(sqlType);
}

export function isCategoryType(sqlType: string): boolean {
  return CATEGORY_TYPE.test(sqlType);
}

/** A column as DOUBLE, with NaN and infinities read as missing so they cannot break bin edges. */
export function numericValueSql(column: string): string {
  const value = `CAST(${sqlIdentifier(column)} AS DOUBLE)`;
  return `CASE WHEN isfinite(${value}) THEN ${value} END`;
}

/**
 * A column as a category label. Numbers go through DOUBLE so BIGINT 1 in training and DOUBLE 1.0
 * in production name the same category.
 */
export function categoryValueSql(column: string, sqlType: string): string {
  const id = sqlIdentifier(column);
  return isNumericType(sqlType) ? `CAST(CAST(${id} AS DOUBLE) AS VARCHAR)` : `CAST(${id} AS VARCHAR)`;
}
