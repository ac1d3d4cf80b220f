import { findRaggedCsvLine, raggedCsvMessage } from '../data-validation/ragged-csv.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBDoubleVector, DuckDBInstance, DuckDBIntegerVector, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';
import { DriftInputError } from './errors.ts';

/** One DuckDB session over one data file; heavy work stays in DuckDB, only small results reach JS. */
export interface DataFileSession {
  file: string;
  /** SQL table expression reading the file, e.g. `read_parquet('...')`. */
  source: string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /**
   * A result of many rows, chunk by chunk: numeric columns (no NULLs) as typed arrays over the
   * chunk, anything else item by item. Far cheaper than converting rows to objects.
   */
  forEachChunk(sql: string, visit: (chunk: ResultChunk) => void): Promise<void>;
  /**
   * The table expression to query a data file through: a CSV is parsed once into a DuckDB table
   * named `table` (which spills to disk past the memory limit), so the per-column queries of a
   * check do not parse the text again; Parquet is columnar already and is read where it is.
   */
  tableFor(source: string, table: string): Promise<string>;
  columns(): Promise<{ name: string; sqlType: string }[]>;
  /** One numeric expression's non-null values, sorted ascending, as one array (DuckDB sorts; JS only copies). */
  sortedNumbers(source: string, valueSql: string): Promise<Float64Array>;
  close(): void;
}

export interface ResultChunk {
  rows: number;
  /** A DOUBLE or INTEGER column without NULLs, valid until the next chunk. */
  numbers(column: number): ArrayLike<number>;
  item(column: number, row: number): unknown;
}

export interface DuckDbLimits {
  /** DuckDB worker threads; default: DuckDB's own (all cores). */
  threads?: number;
  /** e.g. '1GB'; DuckDB spills to disk beyond it. Default 1GB: DuckDB's own (80 % of RAM) would let one big CSV grow the worker by GiBs. */
  memoryLimit?: string;
}

const DEFAULT_MEMORY_LIMIT = '1GB';

/** Accepts a path or a `file://` URI (artifact URIs), as CSV (optionally gzipped) or Parquet. */
export async function openDataFile(fileOrUri: string, limits: DuckDbLimits = {}): Promise<DataFileSession> {
  // The same checks as the reference file gets: a FIFO, a folder or a ragged CSV is named here,
  // not reported later as a missing column.
  const { file, source } = await dataFileSource(fileOrUri);
  // A private spill folder, not DuckDB's default `.tmp` in the working directory; removed on close.
  const spillDir = mkdtempSync(path.join(os.tmpdir(), 'weir-drift-'));
  const options: Record<string, string> = { memory_limit: limits.memoryLimit ?? DEFAULT_MEMORY_LIMIT, temp_directory: spillDir };
  if (limits.threads !== undefined) options.threads = String(limits.threads);
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(':memory:', options);
    try {
      connection = await instance.connect();
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  } catch (error) {
    rmSync(spillDir, { recursive: true, force: true });
    throw error;
  }
  const failed = (error: unknown) => new DriftInputError(`Reading ${file} failed: ${error instanceof Error ? error.message : String(error)}`, file);
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map(plainRow);
    } catch (error) {
      throw failed(error);
    }
  };
  return {
    file,
    source,
    query,
    async forEachChunk(sql, visit) {
      try {
        const result = await connection.stream(sql);
        for (;;) {
          const chunk = await result.fetchChunk();
          const rows = chunk?.rowCount ?? 0;
          if (!chunk || rows === 0) break;
          const vectors = Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnVector(c));
          visit({
            rows,
            numbers: (c) => numbers(vectors[c]!, rows),
            item: (c, row) => vectors[c]!.getItem(row),
          });
        }
      } catch (error) {
        throw failed(error);
      }
    },
    async tableFor(from, table) {
      if (from.startsWith('read_parquet(')) return from;
      try {
        await connection.run(`CREATE OR REPLACE TEMP TABLE ${sqlIdentifier(table)} AS SELECT * FROM ${from}`);
      } catch (error) {
        throw failed(error);
      }
      return sqlIdentifier(table);
    },
    async columns() {
      const rows = await query(`DESCRIBE SELECT * FROM ${source}`);
      return rows.map((row) => ({ name: String(row.column_name), sqlType: String(row.column_type) }));
    },
    async sortedNumbers(from, valueSql) {
      try {
        const result = await connection.stream(`SELECT v FROM (SELECT ${valueSql} AS v FROM ${from}) WHERE v IS NOT NULL ORDER BY v`);
        const parts: Float64Array[] = [];
        let total = 0;
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          parts.push(doubles(chunk.getColumnVector(0), chunk.rowCount));
          total += chunk.rowCount;
        }
        const values = new Float64Array(total);
        let offset = 0;
        for (const part of parts) {
          values.set(part, offset);
          offset += part.length;
        }
        return values;
      } catch (error) {
        throw failed(error);
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of a DOUBLE vector's values: the vector keeps them in a Float64Array over DuckDB's own
 * memory, valid only until the next chunk. Should a release stop exposing it, copying value by
 * value still works, only slower.
 */
function doubles(vector: DuckDBVector, rows: number): Float64Array {
  const items = (vector as unknown as { items?: unknown }).items;
  if (vector instanceof DuckDBDoubleVector && items instanceof Float64Array) return items.slice(0, rows);
  return Float64Array.from(vector.toArray().slice(0, rows), (value) => (typeof value === 'number' ? value : Number.NaN));
}

/** The values of a numeric vector: its own typed array when the library exposes one, else copied item by item. */
function numbers(vector: DuckDBVector, rows: number): ArrayLike<number> {
  const items = (vector as unknown as { items?: unknown }).items;
  if ((vector instanceof DuckDBDoubleVector || vector instanceof DuckDBIntegerVector) && (items instanceof Float64Array || items instanceof Int32Array)) return items;
  return Float64Array.from({ length: rows }, (_, row) => Number(vector.getItem(row)));
}

/** The SQL table expression reading a data file (path or `file://` URI), after checking it is readable. */
export async function dataFileSource(fileOrUri: string): Promise<{ file: string; source: string }> {
  const file = fileOrUri.startsWith('file:') ? fileURLToPath(fileOrUri) : fileOrUri;
  try {
    await access(file);
  } catch {
    throw new DriftInputError(`Data file ${file} does not exist or cannot be read`, file);
  }
  // A FIFO or device would block the reader forever; a folder is no data file.
  if (!(await stat(file)).isFile()) throw new DriftInputError(`Data file ${file} is not a regular file`, file);
  const source = sourceFor(file);
  if (/\.(csv|tsv|txt)$/i.test(file)) {
    const ragged = await findRaggedCsvLine(file, { delimiter: file.toLowerCase().endsWith('.tsv') ? '\t' : ',' });
    if (ragged) throw new DriftInputError(raggedCsvMessage(file, ragged), file);
  }
  return { file, source };
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

/** A column as DOUBLE, NaN and infinities kept (for scans that drop them themselves). */
export function doubleValueSql(column: string): string {
  return `CAST(${sqlIdentifier(column)} AS DOUBLE)`;
}

/** A column as DOUBLE, with NaN and infinities read as missing so they cannot break bin edges. */
export function numericValueSql(column: string): string {
  const value = doubleValueSql(column);
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
