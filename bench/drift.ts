import { access } from 'node:fs/promises';
import path from 'node:path';
import { writeSyntheticDataset } from '../ops/drift/testing/synthetic.ts';
import { runTsChild } from './child-process.ts';
import { REPO_ROOT } from './paths.ts';
import { round } from './stats.ts';

export interface DriftResult {
  rows: number;
  columns: number;
  pipelineMs: number;
  validationMs: number;
  driftMs: number;
  baselineMs: number;
  peakRssMiB: number;
  scanMs: number;
  scanPeakRssMiB: number;
  ratioToScan: number;
}

interface PipelineReport { ms: number; peakRssMiB: number; baselineMs: number; validationMs: number; driftMs: number }
interface ScanReport { ms: number; peakRssMiB: number; columns: number }

/**
 * Validation plus drift over a Parquet file of `rows` x 20 columns, each in a fresh process.
 * Baseline: one DuckDB pass computing an exact distinct count of every column, which is the
 * least any column-by-column profile of the file has to read.
 */
export async function runDriftBenchmark(options: { dir: string; rows: number; log: (line: string) => void }): Promise<DriftResult> {
  const wide = { extraNumeric: 12, extraCategorical: 3 };
  const train = path.join(options.dir, 'drift-train.parquet');
  const current = path.join(options.dir, `drift-current-${options.rows}.parquet`);
  const exists = (file: string) => access(file).then(() => true, () => false);
  if (!(await exists(train))) await writeSyntheticDataset(train, { rows: 1_000_000, seed: 0.1, ...wide });
  if (!(await exists(current))) {
    options.log(`generating ${options.rows.toLocaleString()} rows of Parquet`);
    await writeSyntheticDataset(current, { rows: options.rows, seed: 0.2, shift: 2, segmentMix: [0.3, 0.3], ...wide });
  }
  const child = path.join(REPO_ROOT, 'bench', 'drift-child.ts');
  const scan = (await runTsChild<ScanReport>(child, ['scan', train, current])).report;
  const pipeline = (await runTsChild<PipelineReport>(child, ['pipeline', train, current])).report;
  const pipelineMs = pipeline.validationMs + pipeline.driftMs;
  return {
    rows: options.rows,
    columns: scan.columns,
    pipelineMs: round(pipelineMs),
    validationMs: round(pipeline.validationMs),
    driftMs: round(pipeline.driftMs),
    baselineMs: round(pipeline.baselineMs),
    peakRssMiB: pipeline.peakRssMiB,
    scanMs: round(scan.ms),
    scanPeakRssMiB: scan.peakRssMiB,
    ratioToScan: round(pipelineMs / scan.ms),
  };
}

export function driftSection(result: DriftResult): string {
  return [
    `## Validation + drift over ${result.rows.toLocaleString()} rows x ${result.columns} columns (Parquet)`,
    '',
    '| step | time | peak RSS |',
    '|---|---|---|',
    `| validation + drift (target < 15 s, < 2 GiB) | ${(result.pipelineMs / 1000).toFixed(1)} s (validation ${(result.validationMs / 1000).toFixed(1)} s, drift ${(result.driftMs / 1000).toFixed(1)} s) | ${result.peakRssMiB} MiB |`,
    `| baseline: one DuckDB pass, exact distinct count of every column | ${(result.scanMs / 1000).toFixed(1)} s | ${result.scanPeakRssMiB} MiB |`,
    '',
    `Ratio to the baseline: ${result.ratioToScan}x. The training baseline (1M rows) took ${(result.baselineMs / 1000).toFixed(1)} s and is not counted.`,
  ].join('\n');
}
