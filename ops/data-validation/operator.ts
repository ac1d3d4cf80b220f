import { taskPrefix } from '../../artifacts/artifact-store.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { requireServices } from '../runtime.ts';
import { DataValidationFailedError } from './errors.ts';
import type { Expectations } from './expectations.ts';
import type { DataFormat } from './input-file.ts';
import type { CsvOptions } from './load-table.ts';
import type { ValidationSummary } from './report.ts';
import { withLocalCopy } from '../../artifacts/local-copy.ts';
import { validateFile } from './validate-file.ts';

export interface ValidateDataOptions<P, U> {
  /**
   * Local path, `file://` URI or artifact URI (`s3://` of the configured store); a function reads
   * it from params or upstream outputs. Local files must lie in the artifact root or a data
   * root (`WEIR_DATA_ROOTS`, default the working folder).
   */
  file: string | ((ctx: TaskContext<P, U>) => string);
  expectations: Expectations;
  format?: DataFormat;
  csv?: CsvOptions;
  /** File name of the report under the task's artifact prefix. Default `validation-report.json`. */
  reportName?: string;
}

/**
 * A task body that validates a data file and fails the task, without retries, when any
 * expectation fails. The JSON report is written first, so a failed run still links to it.
 *
 * @example
 * dag({ id: 'weather' })
 *   .task('extract', async () => ({ path: '/data/weather.csv' }))
 *   .task('validate', { needs: ['extract'] }, validateData({
 *     file: (ctx) => ctx.outputs.extract.path,
 *     expectations: {
 *       columns: {
 *         temp_max: { type: 'float', notNull: { mostly: 0.99 }, between: [-30, 50] },
 *         weather: { type: 'string', allowedValues: ['sun', 'rain', 'snow'] },
 *         date: { type: 'date', unique: true },
 *       },
 *       rowCount: { min: 365 },
 *       schema: { allowExtraColumns: false },
 *     },
 *   }));
 */
export function validateData<P = Record<string, unknown>, U = Record<string, unknown>>(
  options: ValidateDataOptions<P, U>,
): (ctx: TaskContext<P, U>) => Promise<ValidationSummary> {
  return async (ctx) => {
    const { artifacts, dataRoots } = requireServices(ctx.services);
    const file = resolveFile(options.file, ctx);
    const key = `${taskPrefix(ctx.run.runId, ctx.taskId)}/${options.reportName ?? 'validation-report.json'}`;
    const summary = await withLocalCopy(artifacts, file, async (local, copyDir) =>
      validateFile(local, options.expectations, {
        artifacts,
        key,
        format: options.format,
        csv: options.csv,
        signal: ctx.signal,
        dataRoots: copyDir === undefined ? dataRoots : [copyDir],
      }),
    );
    if (!summary.passed) {
      ctx.log.error('data validation failed', { file, reportUri: summary.reportUri, failures: summary.failures });
      throw new DataValidationFailedError(file, summary.reportUri, summary.failures);
    }
    ctx.log.info('data validation passed', { file, reportUri: summary.reportUri, rowCount: summary.rowCount });
    return summary;
  };
}

function resolveFile<P, U>(file: ValidateDataOptions<P, U>['file'], ctx: TaskContext<P, U>): string {
  const value: unknown = typeof file === 'function' ? file(ctx) : file;
  if (typeof value !== 'string' || value === '') {
    throw new NonRetryableError(`validateData: "file" must resolve to a non-empty path or file:// URI, got ${JSON.stringify(value)}`);
  }
  return value;
}
