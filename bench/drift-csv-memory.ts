import { stat } from 'node:fs/promises';
import path from 'node:path';
import { runTsChild } from './child-process.ts';
import { validationCsvRows, writeValidationCsv } from './csv-memory.ts';
import { REPO_ROOT } from './paths.ts';
import { round } from './stats.ts';

export interface DriftCsvMemoryResult {
  sizeGiB: number;
  rows: number;
  driftMs: number;
  driftPeakRssMiB: number;
  driftedColumns: string[];
  scanMs: number;
  scanPeakRssMiB: number;
  /** The bound issue 13 sets: drift on a 2 GB CSV stays under 2 GiB of RSS. */
  underTwoGiB: boolean;
}

interface ChildReport { ms: number; peakRssMiB: number; rows: number; driftMs?: number; driftedColumns?: string[] }

const TRAINING_ROWS = 1_000_000;

/**
 * `checkDrift` of the csv-memory benchmark's CSV (about `bytes`, default 2 GB, 4 columns: an
 * integer id, a float, a 4-value category and a text column of a million distinct values) against
 * a baseline of a 1M-row training CSV from the same generator, in a fresh process: its peak RSS.
 * Baseline, in the same run: a fresh process where DuckDB counts the big file's rows in one pass.
 */
export async function runDriftCsvMemoryBenchmark(options: { dir: string; bytes: number; log: (line: string) => void }): Promise<DriftCsvMemoryResult> {
  const file = path.join(options.dir, `validate-${Math.round(options.bytes / 1e6)}MB.csv`);
  const training = path.join(options.dir, `drift-training-${TRAINING_ROWS}.csv`);
  await writeValidationCsv(file, validationCsvRows(options.bytes), options.log);
  await writeValidationCsv(training, TRAINING_ROWS, options.log);
  const size = (await stat(file)).size;
  const child = path.join(REPO_ROOT, 'bench', 'drift-csv-memory-child.ts');
  options.log('scan baseline');
  const scan = (await runTsChild<ChildReport>(child, ['scan', file])).report;
  options.log('checkDrift on the CSV');
  const drift = (await runTsChild<ChildReport>(child, ['drift', file, training])).report;
  return {
    sizeGiB: round(size / 2 ** 30, 2),
    rows: drift.rows,
    driftMs: round(drift.driftMs ?? drift.ms),
    driftPeakRssMiB: drift.peakRssMiB,
    driftedColumns: drift.driftedColumns ?? [],
    scanMs: round(scan.ms),
    scanPeakRssMiB: scan.peakRssMiB,
    underTwoGiB: drift.peakRssMiB < 2048,
  };
}

export function driftCsvMemorySection(result: DriftCsvMemoryResult): string {
  return [
    `## Drift of a ${result.sizeGiB} GiB CSV (${result.rows.toLocaleString()} rows): peak memory`,
    '',
    '| | time (ms) | peak RSS (MiB) |',
    '|---|---:|---:|',
    `| checkDrift against a 1M-row training CSV (baseline computed in the same process) | ${result.driftMs} | ${result.driftPeakRssMiB} |`,
    `| baseline: DuckDB counts the rows in one pass | ${result.scanMs} | ${result.scanPeakRssMiB} |`,
    '',
    `Drifted columns: ${result.driftedColumns.join(', ') || 'none'}. Peak RSS ${result.underTwoGiB ? 'stays under' : 'EXCEEDS'} the 2 GiB bound.`,
  ].join('\n');
}
