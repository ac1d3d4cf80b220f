import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TrainingOutputError } from './errors.ts';
import type { JobOutputs } from './job.ts';

export const METRICS_FILE = 'metrics.json';

/** Lists what the job left in its output folder and parses `metrics.json` if it wrote one. */
export async function collectOutputs(jobName: string, outputDir: string): Promise<JobOutputs> {
  const entries = await readdir(outputDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(outputDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  if (!files.includes(METRICS_FILE)) return { files, metrics: null };

  const metricsPath = path.join(outputDir, METRICS_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(metricsPath, 'utf8'));
  } catch (error) {
    throw new TrainingOutputError(jobName, metricsPath, `is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TrainingOutputError(jobName, metricsPath, 'must hold a JSON object such as {"auc": 0.91}');
  }
  return { files, metrics: parsed as Record<string, unknown> };
}
