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

/**
 * The bin of `value` among equal-width edges: -1 below the first edge, `bins` above the last,
 * the last bin closed on the right like numpy. Baseline and current use this same expression,
 * so a value exactly on an edge always lands in the same bin on both sides.
 */
export function binIndexSql(value: string, edges: readonly number[]): string {
  const bins = edges.length - 1;
  const low = edges[0]!;
  const high = edges[bins]!;
  const width = (high - low) / bins;
  if (!(width > 0)) return `CASE WHEN ${value} < ${low} THEN -1 WHEN ${value} > ${high} THEN ${bins} ELSE 0 END`;
  return `CASE WHEN ${value} < ${sqlNumber(low)} THEN -1 WHEN ${value} > ${sqlNumber(high)} THEN ${bins} ` +
    `ELSE least(CAST(floor((${value} - ${sqlNumber(low)}) / ${sqlNumber(width)}) AS INTEGER), ${bins - 1}) END`;
}

/** A double literal DuckDB reads back to the same bits. */
export function sqlNumber(value: number): string {
  return `CAST(${JSON.stringify(value)} AS DOUBLE)`;
}

/** Counts per bin (-1 .. bins) of one numeric column, in one grouped scan. */
export async function binCounts(session: DataFileSession, column: string, edges: readonly number[]): Promise<{ counts: number[]; below: number; above: number }> {
  const value = numericValueSql(column);
  const rows = await session.query(
    `SELECT ${binIndexSql('v', edges)} AS bin, count(*) AS n FROM (SELECT ${value} AS v FROM ${session.source}) WHERE v IS NOT NULL GROUP BY bin`,
  );
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  for (const row of rows) {
    const bin = Number(row.bin);
    const n = Number(row.n);
    if (bin < 0) below += n;
    else if (bin >= bins) above += n;
    else counts[bin] = n;
  }
  return { counts, below, above };
}

/**
 * Up to `size` non-null values of one numeric column: DuckDB's reservoir sample with a fixed
 * seed, so the same file gives the same sample (for a given DuckDB thread count).
 */
export async function numericSample(session: DataFileSession, column: string, size: number, seed: number): Promise<number[]> {
  const rows = await session.query(
    // USING SAMPLE applies before WHERE, so the null filter must sit in the inner query.
    `SELECT v FROM (SELECT v FROM (SELECT ${numericValueSql(column)} AS v FROM ${session.source}) WHERE v IS NOT NULL) ` +
      `USING SAMPLE reservoir(${Math.floor(size)} ROWS) REPEATABLE (${Math.floor(seed)})`,
  );
  return rows.map((row) => Number(row.v));
}
