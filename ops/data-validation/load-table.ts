import type { DuckDbSession } from './duckdb-session.ts';
import { count } from './duckdb-session.ts';
import { wrongDelimiterHint } from './delimiter-hint.ts';
import type { InputFile } from './input-file.ts';
import { headerLine } from './input-file.ts';
import type { ObservedColumn } from './report.ts';
import { quoteString } from './sql.ts';

export interface CsvOptions {
  /** Field separator; `'auto'` lets DuckDB sniff it. Default `,` (tab for `.tsv`). */
  delimiter?: string;
}

/** The relation every check reads from. */
export const DATA = 'data';

export interface LoadedTable {
  columns: ObservedColumn[];
  rowCount: number;
  /** The delimiter DuckDB was told to use, when it was told one. */
  delimiter: string | undefined;
}

export interface LoadProblem {
  /** One line: what is wrong and, when we can tell, how to fix it. */
  message: string;
  /** DuckDB's full explanation, for the report. */
  duckdbError: string;
}

/**
 * Makes the file queryable as `data`. A CSV is parsed once into a DuckDB table so every check
 * sees the same sniffed types and the text is not re-parsed per check; DuckDB spills to disk if
 * it outgrows memory. Parquet is already columnar, so it stays a view over the file.
 */
export async function loadTable(
  session: DuckDbSession,
  input: InputFile,
  csv: CsvOptions,
  expectedColumns: readonly string[],
): Promise<LoadedTable | LoadProblem> {
  const delimiter = csvDelimiter(input, csv);
  try {
    if (input.format === 'parquet') {
      await session.run(`CREATE VIEW ${DATA} AS SELECT * FROM read_parquet(${quoteString(input.path)})`);
    } else {
      await loadCsv(session, input.path, delimiter);
    }
    const columns = (await session.rows(`SELECT column_name, column_type FROM (DESCRIBE ${DATA})`)).map((row) => ({
      name: String(row.column_name),
      type: String(row.column_type),
    }));
    const rowCount = count((await session.firstRow(`SELECT count(*)::DOUBLE AS n FROM ${DATA}`)).n);
    return { columns, rowCount, delimiter };
  } catch (error) {
    const duckdbError = (error as Error).message.split(/\n\s*\nLINE \d+:/)[0]?.trim() ?? String(error);
    return { message: describeLoadError(input, delimiter, duckdbError, expectedColumns), duckdbError };
  }
}

export function isLoadProblem(value: LoadedTable | LoadProblem): value is LoadProblem {
  return 'message' in value;
}

async function loadCsv(session: DuckDbSession, file: string, delimiter: string | undefined): Promise<void> {
  const options = [`header = true`, `auto_detect = true`];
  if (delimiter !== undefined) options.push(`delim = ${quoteString(delimiter)}`);
  const create = (extra: string[]): string =>
    `CREATE OR REPLACE TABLE ${DATA} AS SELECT * FROM read_csv(${quoteString(file)}, ${[...options, ...extra].join(', ')})`;
  try {
    await session.run(create([]));
  } catch (error) {
    // The sniffer samples rows; a bad value past the sample (a "n/a" at row 5M in a number
    // column) breaks the typed load. Sniffing the whole file then types that column VARCHAR,
    // and the type check reports the offending values instead of a parse error.
    if (!/Conversion Error|Could not convert/i.test((error as Error).message)) throw error;
    await session.run(create(['sample_size = -1']));
  }
}

function csvDelimiter(input: InputFile, csv: CsvOptions): string | undefined {
  if (csv.delimiter === 'auto') return undefined;
  if (csv.delimiter !== undefined) return csv.delimiter;
  return /\.tsv(\.gz|\.zst)?$/i.test(input.path) ? '\t' : ',';
}

// DuckDB's sniffer errors run to a dozen lines; the summary keeps the first, the report all.
function describeLoadError(input: InputFile, delimiter: string | undefined, duckdbError: string, expectedColumns: readonly string[]): string {
  const reason = duckdbError.split('\n')[0] ?? duckdbError;
  if (input.format === 'parquet') return `${input.path} is not a readable Parquet file: ${reason}`;
  const header = headerLine(input);
  const headerFields = header?.split(delimiter ?? ',').map((field) => field.trim()) ?? [];
  const missing = expectedColumns.filter((column) => !headerFields.includes(column));
  const hint = wrongDelimiterHint(header, delimiter, missing);
  return `${input.path} could not be parsed as CSV${hint ? ` (${hint})` : ''}: ${reason}`;
}
