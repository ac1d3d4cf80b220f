import type { Expectations } from './expectations.ts';

export type CheckKind = 'input' | 'schema' | 'rowCount' | 'type' | 'notNull' | 'between' | 'allowedValues' | 'unique';

/** How one expectation fared. `skipped` means it could not be judged, and says why in `message`. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  check: CheckKind;
  column?: string;
  status: CheckStatus;
  /** The expectation in words, e.g. `temp_max between -30 and 50 (mostly 0.99)`. */
  expectation: string;
  /** Why it failed or was skipped, in a sentence a person can act on. */
  message?: string;
  /** What was measured: null fraction, min/max, unexpected values with counts... */
  observed: Record<string, unknown>;
  /** Up to five whole rows that break the expectation. */
  sampleFailingRows?: Record<string, unknown>[];
}

export interface ObservedColumn {
  name: string;
  /** DuckDB's type name, e.g. `DOUBLE`, `DECIMAL(10,2)`. */
  type: string;
}

/** The JSON document written to the artifact store. */
export interface ValidationReport {
  file: string;
  format: 'csv' | 'parquet' | 'unknown';
  checkedAt: string;
  passed: boolean;
  /** Null when the file could not be read at all. */
  rowCount: number | null;
  columns: ObservedColumn[];
  expectations: Expectations;
  results: CheckResult[];
}

/** What the task returns: small enough for workflow history; the detail is behind `reportUri`. */
export interface ValidationSummary {
  passed: boolean;
  reportUri: string;
  /** Null when the file could not be read at all. */
  rowCount: number | null;
  /** One line per failed expectation. */
  failures: string[];
}

// Keeps the summary small even when a wide file breaks everything; the report has the rest.
const MAX_SUMMARY_FAILURES = 20;
const MAX_FAILURE_LENGTH = 300;

export function failureLines(results: readonly CheckResult[]): string[] {
  const lines = results
    .filter((result) => result.status === 'failed')
    .map((result) => truncate(result.message ?? `${result.expectation} failed`));
  if (lines.length <= MAX_SUMMARY_FAILURES) return lines;
  return [...lines.slice(0, MAX_SUMMARY_FAILURES), `…and ${lines.length - MAX_SUMMARY_FAILURES} more failures (see the report)`];
}

function truncate(line: string): string {
  return line.length <= MAX_FAILURE_LENGTH ? line : `${line.slice(0, MAX_FAILURE_LENGTH - 1)}…`;
}

/** Formats a fraction as a percentage with enough digits to show 0.1% differences. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.001 && fraction > 0 ? 3 : 1)}%`;
}
