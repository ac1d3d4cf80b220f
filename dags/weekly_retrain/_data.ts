import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { NonRetryableError } from 'weir';
import type { WeirServices } from 'weir';

/** The Seattle weather record (2012–2015), as vega-datasets ships it (its exports hide the data folder). */
export const WEATHER_CSV = path.join(path.dirname(path.dirname(createRequire(import.meta.url).resolve('vega-datasets'))), 'data', 'seattle-weather.csv');
export const SCRIPTS_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Where the project's setup installs scikit-learn (see infra/python-deps.ts). */
export const PYTHON_PATH = process.env.WEIR_PYTHONPATH ?? fileURLToPath(new URL('../../.weir/python', import.meta.url));
/** `WEIR_EXAMPLE_MODEL` renames it, so two test runs of the example can share one registry. */
export const MODEL_NAME = process.env.WEIR_EXAMPLE_MODEL ?? 'seattle_weather';

export interface WeeklyBatch {
  batchEnd: string;
  /** The new week of data: what is validated and checked for drift. */
  batchUri: string;
  /** The year before the holdout window: what the challenger trains on. */
  trainUri: string;
  trainSha256: string;
  trainRows: number;
  /** The four weeks ending with the batch: both models are scored on it. */
  holdoutUri: string;
}

/** Maps a run's logical date onto the dataset's last year, so a weekly schedule replays 2015. */
export function batchEndFor(logicalDate: string): string {
  const date = new Date(logicalDate);
  return `2015-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(date.getUTCDate(), 28)).padStart(2, '0')}`;
}

/**
 * Cuts the weekly batch, the training window and the holdout set out of the dataset with DuckDB
 * and stores them as artifacts of this task. `batchFile` replaces the batch (bad-data drills).
 */
export async function prepareWeeklyBatch(artifacts: WeirServices['artifacts'], runId: string, taskId: string, batchEnd: string, batchFile?: string): Promise<WeeklyBatch> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(batchEnd) || Number.isNaN(Date.parse(batchEnd))) {
    throw new NonRetryableError(`batchEnd must be a date such as 2015-03-29, got "${batchEnd}"`);
  }
  const prefix = `runs/${runId.replace(/[^A-Za-z0-9_.-]/g, '_')}/${taskId}`;
  // DuckDB writes local files; they are then uploaded, so the same code serves a shared S3 store.
  const staging = await mkdtemp(path.join(os.tmpdir(), 'weir-prepare-'));
  const train = path.join(staging, 'train.csv');
  const holdout = path.join(staging, 'holdout.csv');
  const batch = path.join(staging, 'batch.csv');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const source = `read_csv('${WEATHER_CSV.replace(/'/g, "''")}', header = true)`;
    const end = `DATE '${batchEnd}'`;
    await db.run(`COPY (SELECT * FROM ${source} WHERE date > ${end} - INTERVAL 28 DAY AND date <= ${end} ORDER BY date) TO '${holdout}' (HEADER, DELIMITER ',')`);
    await db.run(
      `COPY (SELECT * FROM ${source} WHERE date > ${end} - INTERVAL 393 DAY AND date <= ${end} - INTERVAL 28 DAY ORDER BY date) TO '${train}' (HEADER, DELIMITER ',')`,
    );
    if (batchFile) await copyFile(batchFile, batch);
    else await db.run(`COPY (SELECT * FROM ${source} WHERE date > ${end} - INTERVAL 7 DAY AND date <= ${end} ORDER BY date) TO '${batch}' (HEADER, DELIMITER ',')`);
    const counted = await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_csv('${train}', header = true)`);
    const trainRows = Number(counted.getRowObjectsJson()[0]?.n ?? 0);
    if (trainRows < 100) throw new NonRetryableError(`only ${trainRows} training rows before ${batchEnd}; the dataset covers 2012-01-01 to 2015-12-31`);
    return {
      batchEnd,
      batchUri: await artifacts.upload(`${prefix}/batch.csv`, batch),
      trainUri: await artifacts.upload(`${prefix}/train.csv`, train),
      trainSha256: createHash('sha256').update(await readFile(train)).digest('hex'),
      trainRows,
      holdoutUri: await artifacts.upload(`${prefix}/holdout.csv`, holdout),
    };
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(staging, { recursive: true, force: true });
  }
}

/** Runs the smoke check script against a model; a failing check is an answer, not an error. */
export function runSmokeCheck(modelPath: string, signal: AbortSignal, forceFailure: boolean): Promise<{ passed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [`${SCRIPTS_DIR}smoke.py`], {
      env: { PATH: process.env.PATH ?? '', PYTHONPATH: PYTHON_PATH, MODEL_PATH: modelPath, SMOKE_FAIL: forceFailure ? '1' : '0' },
      signal,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ passed: code === 0, output: output.trim().slice(-2000) }));
  });
}
