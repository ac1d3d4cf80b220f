import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { checkOverride, type ColumnTestOverride } from './compare/choose.ts';
import { compareColumn, type ColumnToCompare } from './compare/compare-column.ts';
import { summarizeFile } from './compare/file-summary.ts';
import type { ColumnSources } from './compare/merged-values.ts';
import { compareFromSummaries, summaryRequest, type OnePassOptions } from './compare/one-pass.ts';
import { categoryValueSql, dataFileSource, isCategoryType, isNumericType, numericValueSql, openDataFile, type DuckDbLimits } from './duckdb.ts';
import { DriftConfigError, DriftInputError } from './errors.ts';
import { decideDataset, type DriftEvaluation } from './evaluate.ts';
import type { BaselineStats, ColumnBaseline, ColumnKind } from './types.ts';

export interface DriftCheckOptions extends DuckDbLimits {
  /** Compare only these baseline columns; default all. */
  columns?: readonly string[];
  /** Per column: another test and/or threshold than Evidently's default. */
  overrides?: Readonly<Record<string, ColumnTestOverride>>;
  /** Dataset drift when at least this share of the columns drift; default 0.5. */
  datasetDriftShare?: number;
  /** Check that the reference file still has the baseline's SHA-256 before comparing; default true. */
  verifyReference?: boolean;
}

/** The reference side of a check: the baseline's statistics and the training file they came from. */
export interface ReferenceData {
  datasetPath: string;
  datasetSha256?: string;
  stats: BaselineStats;
}

/**
 * Drift of one data file against the training data of a baseline, exactly as Evidently 0.7's
 * DataDriftPreset decides it, on the full data of both sides. No database or artifacts involved:
 * the plain function behind `detectDrift`, and what a benchmark times.
 *
 * @example
 * const baseline = await computeBaseline('train.parquet');
 * const result = await checkDrift('batch.parquet', baseline);
 * if (result.drifted) console.log(result.driftedColumns);
 */
export async function checkDrift(file: string, reference: ReferenceData, options: DriftCheckOptions = {}, onePass: OnePassOptions = {}): Promise<DriftEvaluation> {
  const baseline = reference.stats;
  const datasetDriftShare = options.datasetDriftShare ?? 0.5;
  if (!(datasetDriftShare > 0 && datasetDriftShare <= 1)) {
    throw new DriftConfigError(`datasetDriftShare must be in (0, 1], got ${datasetDriftShare}`, undefined);
  }
  const known = new Set(baseline.columns.map((column) => column.name));
  for (const name of [...(options.columns ?? []), ...Object.keys(options.overrides ?? {})]) {
    if (!known.has(name)) {
      const skipped = baseline.skipped.find((entry) => entry.name === name);
      throw new DriftConfigError(
        skipped ? `Column "${name}" has no baseline statistics: ${skipped.reason}` : `Column "${name}" is not in the baseline; it has ${[...known].join(', ')}`,
        name,
      );
    }
  }
  const wanted = options.columns ? new Set(options.columns) : known;
  const forced = new Set(baseline.categorical ?? []);
  const columns = baseline.columns
    .filter((column) => wanted.has(column.name))
    .map((column) => ({ ...column, compareAs: (isNumericType(column.sqlType) && !forced.has(column.name) ? 'numerical' : 'categorical') as ColumnKind }));
  for (const column of columns) checkOverride(column.name, column.compareAs, options.overrides?.[column.name]);

  const referenceFile = await dataFileSource(reference.datasetPath);
  // Hashing the training file runs beside DuckDB's reading (both are I/O and other cores); its
  // verdict comes first, so a changed file is reported as such, whatever else failed.
  const expected = (options.verifyReference ?? true) ? reference.datasetSha256 : undefined;
  const changed = expected === undefined ? Promise.resolve(undefined) : referenceChange(referenceFile.file, expected);
  try {
    const evaluation = await compareFiles(file, referenceFile, columns, options, onePass, datasetDriftShare);
    const problem = await changed;
    if (problem) throw problem;
    return evaluation;
  } catch (error) {
    throw (await changed) ?? error;
  }
}

/** The error to raise when the training file's SHA-256 is not the baseline's; undefined when it is. */
async function referenceChange(file: string, expected: string): Promise<DriftInputError | undefined> {
  // Never rejects: it is awaited only after the comparison, and a rejection left waiting would crash the process.
  let actual: string;
  try {
    actual = await sha256File(file);
  } catch (error) {
    return new DriftInputError(`Reading training file ${file} failed: ${error instanceof Error ? error.message : String(error)}`, file);
  }
  if (actual === expected) return undefined;
  return new DriftInputError(`Training file ${file} changed since the baseline was computed (SHA-256 ${actual}, baseline ${expected}); compute a new baseline`, file);
}

type PlannedColumn = ColumnBaseline & { compareAs: ColumnKind };

async function compareFiles(
  file: string,
  referenceFile: { file: string; source: string },
  columns: readonly PlannedColumn[],
  options: DriftCheckOptions,
  onePass: OnePassOptions,
  datasetDriftShare: number,
): Promise<DriftEvaluation> {
  const session = await openDataFile(file, options);
  try {
    const currentSource = await session.tableFor(session.source, 'current_data');
    const referenceSource = await session.tableFor(referenceFile.source, 'reference_data');
    const currentTypes = new Map((await session.columns()).map((column) => [column.name, column.sqlType]));
    const referenceTypes = new Map((await session.query(`DESCRIBE SELECT * FROM ${referenceSource}`)).map((row) => [String(row.column_name), String(row.column_type)]));
    const compared: ColumnToCompare[] = [];
    for (const column of columns) {
      const currentType = currentTypes.get(column.name);
      const referenceType = referenceTypes.get(column.name) ?? column.sqlType;
      if (currentType === undefined) throw new DriftInputError(`Column "${column.name}" of the baseline is missing from ${session.file}`, session.file, column.name);
      const fits = column.compareAs === 'numerical' ? isNumericType(currentType) : isNumericType(currentType) || isCategoryType(currentType);
      if (!fits) throw new DriftInputError(`Column "${column.name}" is ${column.compareAs} in the baseline but ${currentType} in ${session.file}`, session.file, column.name);
      const valueSql = (sqlType: string) => (column.compareAs === 'numerical' ? numericValueSql(column.name) : categoryValueSql(column.name, sqlType));
      const sources: ColumnSources = {
        reference: { source: referenceSource, valueSql: valueSql(referenceType) },
        current: { source: currentSource, valueSql: valueSql(currentType) },
        integers: INTEGER_TYPE.test(referenceType) && INTEGER_TYPE.test(currentType),
      };
      const override = options.overrides?.[column.name];
      const known = column.kind === 'numerical' && column.compareAs === 'numerical'
        ? {
          referenceStd: column.std,
          displayRange: [column.quantiles['0.01'], column.quantiles['0.99']] as [number, number],
          // The baseline counts distinct values exactly up to 10; above, the 5-value rule cannot apply.
          ...(column.distinct > 10 ? { boundable: { min: column.min, max: column.max, distinctReference: column.distinct } } : {}),
        }
        : {};
      compared.push({ name: column.name, kind: column.compareAs, sources, referenceRows: 0, currentRows: 0, ...known, ...(override ? { override } : {}) });
    }
    // One pass over each file reads what every column needs; the exact per-column queries run only for columns it cannot decide.
    const currentSummary = await summarizeFile(session, currentSource, compared.map((column) => summaryRequest(column, 'current')));
    if (currentSummary.rows === 0) throw new DriftInputError(`Current data ${session.file} has no rows`, session.file);
    const referenceSummary = await summarizeFile(session, referenceSource, compared.map((column) => summaryRequest(column, 'reference')));
    const results = [];
    for (const [i, planned] of compared.entries()) {
      const column = { ...planned, referenceRows: referenceSummary.rows, currentRows: currentSummary.rows };
      const fromSummaries = await compareFromSummaries(column, referenceSummary.columns[i]!, currentSummary.columns[i]!, onePass);
      results.push(fromSummaries ?? (await compareColumn(session, column)));
    }
    return decideDataset(results, datasetDriftShare, referenceSummary.rows, currentSummary.rows);
  } finally {
    session.close();
  }
}

const INTEGER_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
