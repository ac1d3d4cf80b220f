import type { ArtifactStore } from '../../artifacts/artifact-store.ts';
import { assertValidExpectations } from './check-expectations.ts';
import { DuckDbSession } from './duckdb-session.ts';
import type { Expectations } from './expectations.ts';
import type { DataFormat, InputFile } from './input-file.ts';
import { headerLine, isInputProblem, openInputFile } from './input-file.ts';
import type { CsvOptions } from './load-table.ts';
import { isLoadProblem, loadTable } from './load-table.ts';
import type { CheckResult, ValidationReport, ValidationSummary } from './report.ts';
import { failureLines } from './report.ts';
import type { RaggedCsvLine } from './ragged-csv.ts';
import { findRaggedCsvLine, guessDelimiter, raggedCsvMessage } from './ragged-csv.ts';
import { runChecks } from './run-checks.ts';
import { wrongDelimiterHint } from './delimiter-hint.ts';

export interface ValidateFileOptions {
  artifacts: ArtifactStore;
  /** Artifact key of the JSON report, e.g. `runs/<run>/validate/validation-report.json`. */
  key: string;
  /** Overrides the guess from the extension (and, without one, the Parquet magic bytes). */
  format?: DataFormat;
  csv?: CsvOptions;
  /** Interrupts DuckDB mid-query, e.g. when the run is cancelled. */
  signal?: AbortSignal;
  /**
   * Folders the file must really lie in (symlinks resolved); see `resolveDataRoots`. The
   * `validateData` operator always passes them; without them any local file is read.
   */
  dataRoots?: readonly string[];
}

/**
 * Checks a CSV or Parquet file against expectations with DuckDB, writes the full JSON report to
 * the artifact store, and returns a small summary. Never throws for bad data, only for bad
 * expectations (`ExpectationConfigError`) or cancellation: a missing, empty or corrupt file
 * is a failed expectation like any other, so it too gets a report.
 *
 * @example
 * const summary = await validateFile('data/weather.csv', {
 *   columns: { temp_max: { type: 'float', between: [-30, 50] }, date: { unique: true } },
 * }, { artifacts: new ArtifactStore('/tmp/artifacts'), key: 'checks/weather.json' });
 * if (!summary.passed) console.error(summary.failures, summary.reportUri);
 */
export async function validateFile(file: string, expectations: Expectations, options: ValidateFileOptions): Promise<ValidationSummary> {
  assertValidExpectations(expectations);
  const report = await buildReport(file, expectations, options);
  const reportUri = await options.artifacts.writeJson(options.key, report);
  return { passed: report.passed, reportUri, rowCount: report.rowCount, failures: failureLines(report.results) };
}

async function buildReport(file: string, expectations: Expectations, options: ValidateFileOptions): Promise<ValidationReport> {
  const base = { checkedAt: new Date().toISOString(), expectations };
  const input = await openInputFile(file, options.format, options.dataRoots);
  if (isInputProblem(input)) {
    return { ...base, file: input.path, format: 'unknown', passed: false, rowCount: null, columns: [], results: [inputFailure(input.message)] };
  }
  const ragged = await raggedLine(input, options);
  if (ragged) {
    const hint = wrongDelimiterHint(ragged.header, ragged.delimiter, Object.keys(expectations.columns ?? {}).filter((column) => !ragged.header.split(ragged.delimiter).map((field) => field.trim()).includes(column)));
    const { line, fields, headerFields } = ragged;
    const result = inputFailure(`${raggedCsvMessage(input.path, ragged)}${hint ? ` (${hint})` : ''}`, { line, fields, headerFields });
    return { ...base, file: input.path, format: input.format, passed: false, rowCount: null, columns: [], results: [{ ...result, expectation: 'every row has as many fields as the header' }] };
  }
  const session = await DuckDbSession.open(options.signal);
  try {
    const loaded = await loadTable(session, input, options.csv ?? {}, Object.keys(expectations.columns ?? {}));
    throwIfAborted(options.signal);
    const common = { ...base, file: input.path, format: input.format };
    if (isLoadProblem(loaded)) {
      return { ...common, passed: false, rowCount: null, columns: [], results: [inputFailure(loaded.message, { duckdbError: loaded.duckdbError })] };
    }
    const results = await runChecks({
      session,
      table: loaded,
      expectations,
      format: input.format,
      headerLine: input.format === 'csv' ? headerLine(input) : undefined,
      signal: options.signal,
    });
    throwIfAborted(options.signal);
    const passed = results.every((result) => result.status !== 'failed');
    return { ...common, passed, rowCount: loaded.rowCount, columns: loaded.columns, results };
  } finally {
    await session.close();
  }
}

// DuckDB reads a ragged row as missing columns or no rows at all; name the line instead.
async function raggedLine(input: InputFile, options: ValidateFileOptions): Promise<(RaggedCsvLine & { header: string; delimiter: string }) | null> {
  const header = input.format === 'csv' ? headerLine(input) : undefined;
  if (header === undefined) return null;
  const configured = options.csv?.delimiter;
  const delimiter = configured === undefined ? (/\.tsv$/i.test(input.path) ? '\t' : ',') : configured === 'auto' ? guessDelimiter(header) : configured;
  const found = await findRaggedCsvLine(input.path, { delimiter, ...(options.signal ? { signal: options.signal } : {}) });
  return found && { ...found, header, delimiter };
}

function inputFailure(message: string, observed: Record<string, unknown> = {}): CheckResult {
  return { check: 'input', status: 'failed', expectation: 'file exists and is readable', observed, message };
}

// An interrupted DuckDB query looks like a failed load or check; it must not become a verdict.
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('validation cancelled');
}
