import { fileURLToPath } from 'node:url';
import { DriftInputError } from './errors.ts';
import { checkDataFile } from '../data-validation/data-roots.ts';
import path from 'node:path';
import { withLocalCopy } from '../../artifacts/local-copy.ts';
import { ArtifactStore } from '../../artifacts/store.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { requireServices } from '../runtime.ts';
import { loadBaseline, type BaselineRef } from './baseline-store.ts';
import { checkDrift, type DriftCheckOptions } from './check.ts';
import { buildDriftReport } from './report.ts';
import { renderDriftHtml } from './report-html.ts';

type FromContext<T, P, U> = T | ((ctx: TaskContext<P, U>) => T | Promise<T>);

export interface DetectDriftOptions<P, U> extends DriftCheckOptions {
  /** The batch to check: a path or `file://` URI of a CSV or Parquet file. */
  current: FromContext<string, P, U>;
  /** Which stored baseline: the newest for `modelName` (and `modelVersion`), or an `id`. */
  baseline: FromContext<BaselineRef, P, U>;
}

/** The task's output: small, so a `.branch` can route on `ctx.outputs.drift.drifted`. */
export interface DriftSummary {
  drifted: boolean;
  driftedColumns: string[];
  share: number;
  reportUri: string;
  htmlUri: string;
  baselineId: string;
}

/**
 * A task body that checks a data file for drift against a stored baseline, writes a JSON and an
 * HTML report as artifacts, and emits a `drift` event when the dataset drifted.
 *
 * @example
 * dag({ id: 'churn_retrain' })
 *   .task('extract', async () => ({ file: 'data/batch.parquet' }))
 *   .task('drift', { needs: ['extract'] }, detectDrift({
 *     current: (ctx) => ctx.outputs.extract.file,
 *     baseline: { modelName: 'churn' },
 *   }))
 *   .branch('route', { needs: ['drift'] }, (ctx) => (ctx.outputs.drift.drifted ? 'retrain' : 'done'));
 */
export function detectDrift<P = Record<string, unknown>, U = Record<string, unknown>>(
  options: DetectDriftOptions<P, U>,
): (ctx: TaskContext<P, U>) => Promise<DriftSummary> {
  return async (ctx) => {
    const runtime = requireServices(ctx.services);
    const [currentFile, ref] = await Promise.all([resolve(options.current, ctx), resolve(options.baseline, ctx)]);
    const baseline = await loadBaseline(runtime.db, ref);
    ctx.log.info('checking drift', { currentFile, baselineId: baseline.id, modelName: baseline.modelName });
    // The batch and the reference file may live in a remote store (s3://): both are read from local copies.
    // Each is checked against the data roots (or its private copy folder) before it is opened.
    const roots = runtime.dataRoots;
    const guarded = (file: string, copyDir: string | undefined) =>
      checkDataFile(file.startsWith('file:') ? fileURLToPath(file) : file, copyDir === undefined ? roots : [copyDir]).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DriftInputError(`Data file ${file} does not exist or cannot be read`, file);
        throw error;
      });
    const evaluation = await withLocalCopy(runtime.artifacts, currentFile, async (local, currentCopy) => {
      await guarded(local, currentCopy);
      return withLocalCopy(runtime.artifacts, baseline.datasetPath, async (reference, referenceCopy) => {
        await guarded(reference, referenceCopy);
        return checkDrift(local, { ...baseline, datasetPath: reference }, options);
      });
    });
    const report = buildDriftReport(evaluation, baseline, currentFile);
    const prefix = ArtifactStore.taskPrefix(ctx.run.runId, ctx.taskId);
    const reportUri = await runtime.artifacts.writeJson(path.posix.join(prefix, 'drift-report.json'), report);
    const htmlUri = await runtime.artifacts.write(path.posix.join(prefix, 'drift-report.html'), renderDriftHtml(report));
    const summary: DriftSummary = {
      drifted: evaluation.drifted,
      driftedColumns: evaluation.driftedColumns,
      share: evaluation.share,
      reportUri,
      htmlUri,
      baselineId: baseline.id,
    };
    if (summary.drifted) ctx.emit('drift', { ...summary, modelName: baseline.modelName, modelVersion: baseline.modelVersion });
    return summary;
  };
}

async function resolve<T, P, U>(value: FromContext<T, P, U>, ctx: TaskContext<P, U>): Promise<T> {
  return typeof value === 'function' ? (value as (ctx: TaskContext<P, U>) => T | Promise<T>)(ctx) : value;
}
