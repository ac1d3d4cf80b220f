import { spawn, spawnSync } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { writeSyntheticDataset } from '../ops/drift/testing/synthetic.ts';
import { runTsChild } from './child-process.ts';
import { REPO_ROOT } from './paths.ts';
import { round } from './stats.ts';

/** Pinned like ops/drift/fixtures/generate_evidently.py, so the bench measures the version the fixtures hold. */
const PINS = ['evidently==0.7.23', 'pandas==2.3.3', 'numpy==2.4.6', 'scipy==1.17.1', 'pyarrow'];
const VENV = path.join(REPO_ROOT, '.weir', 'evidently-venv');

interface SideReport { cpuMs: number; wallMs: number; peakRssMiB: number }

export type EvidentlyComparison =
  | { skipped: string; rows: number }
  | { rows: number; columns: number; weir: SideReport & { baselineMs: number }; evidently: SideReport; cpuRatio: number; memoryShare: number; sameDriftedCount: boolean };

/**
 * Weir's baseline + check against Evidently's Report.run (DataDriftPreset) on the same two
 * Parquet files of `rows` x 20 mixed columns, each in a fresh process: CPU time (all threads)
 * and peak RSS. Evidently runs from a venv under .weir/ that this creates when missing; when it
 * cannot, the comparison is skipped with the reason.
 */
export async function runEvidentlyComparison(options: { dir: string; rows: number; log: (line: string) => void }): Promise<EvidentlyComparison> {
  const wide = { extraNumeric: 12, extraCategorical: 3 };
  const reference = path.join(options.dir, `evidently-reference-${options.rows}.parquet`);
  const current = path.join(options.dir, `evidently-current-${options.rows}.parquet`);
  const exists = (file: string) => access(file).then(() => true, () => false);
  if (!(await exists(reference))) await writeSyntheticDataset(reference, { rows: options.rows, seed: 0.1, ...wide });
  if (!(await exists(current))) await writeSyntheticDataset(current, { rows: options.rows, seed: 0.2, shift: 2, segmentMix: [0.3, 0.3], ...wide });

  const python = path.join(VENV, 'bin', 'python');
  const ready = spawnSync(python, ['-c', 'import evidently, pyarrow'], { stdio: 'ignore' }).status === 0;
  if (!ready) {
    options.log('installing Evidently 0.7.23 into .weir/evidently-venv');
    const made = spawnSync('python3', ['-m', 'venv', VENV], { stdio: 'ignore' }).status === 0
      && spawnSync(python, ['-m', 'pip', 'install', '-q', ...PINS], { stdio: 'ignore' }).status === 0;
    if (!made) return { skipped: 'Evidently could not be installed (python3 -m venv and pip install evidently==0.7.23 failed); Weir was not compared with it', rows: options.rows };
  }
  options.log(`Weir: baseline + check, ${options.rows.toLocaleString()} rows x 20 columns`);
  const weir = (await runTsChild<SideReport & { baselineMs: number; driftedColumns: string[]; columns: number }>(path.join(REPO_ROOT, 'bench', 'drift-evidently-child.ts'), [reference, current])).report;
  options.log('Evidently: Report.run(DataDriftPreset)');
  const evidently = await runPython<SideReport & { driftedCount: number }>(python, [path.join(REPO_ROOT, 'bench', 'drift_evidently.py'), reference, current, '']);
  return {
    rows: options.rows,
    columns: weir.columns,
    weir: { cpuMs: round(weir.cpuMs), wallMs: round(weir.wallMs), peakRssMiB: weir.peakRssMiB, baselineMs: round(weir.baselineMs) },
    evidently: { cpuMs: round(evidently.cpuMs), wallMs: round(evidently.wallMs), peakRssMiB: evidently.peakRssMiB },
    cpuRatio: round(evidently.cpuMs / weir.cpuMs),
    memoryShare: round(weir.peakRssMiB / evidently.peakRssMiB),
    sameDriftedCount: evidently.driftedCount === weir.driftedColumns.length,
  };
}

function runPython<T>(python: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`Evidently benchmark exited with code ${code}\n${stderr.trim().split('\n').slice(-10).join('\n')}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T);
      } catch {
        reject(new Error(`Evidently benchmark printed no JSON; stdout: ${stdout.slice(-300)}`));
      }
    });
  });
}

export function evidentlySection(result: EvidentlyComparison): string {
  const title = `## Drift vs Evidently 0.7.23 over ${result.rows.toLocaleString()} rows x 20 columns (reference and current, Parquet)`;
  if ('skipped' in result) return [title, '', `Skipped: ${result.skipped}.`].join('\n');
  return [
    title,
    '',
    '| | CPU (all threads) | wall | peak RSS |',
    '|---|---|---|---|',
    `| Weir: baseline + exact check (target: 25x less CPU, < 1/4 memory) | ${(result.weir.cpuMs / 1000).toFixed(1)} s | ${(result.weir.wallMs / 1000).toFixed(1)} s (baseline ${(result.weir.baselineMs / 1000).toFixed(1)} s) | ${result.weir.peakRssMiB} MiB |`,
    `| Evidently: Report.run(DataDriftPreset) | ${(result.evidently.cpuMs / 1000).toFixed(1)} s | ${(result.evidently.wallMs / 1000).toFixed(1)} s | ${result.evidently.peakRssMiB} MiB |`,
    '',
    `Evidently used ${result.cpuRatio}x Weir's CPU; Weir's peak memory is ${(result.memoryShare * 100).toFixed(0)} % of Evidently's. Same number of drifted columns: ${result.sameDriftedCount ? 'yes' : 'NO'}.`,
  ].join('\n');
}
