/** Whether a column is compared as a distribution of numbers or as a mix of categories. */
export type ColumnKind = 'numerical' | 'categorical';

/** Equal-width bins over the reference [min, max]; current values outside fall in below/above. */
export interface NumericHistogram {
  /** bins + 1 edges, ascending. */
  edges: number[];
  counts: number[];
  below: number;
  above: number;
}

export interface CategoryCount {
  value: string;
  count: number;
}

interface ColumnBaselineBase {
  name: string;
  /** DuckDB type of the column in the training file. */
  sqlType: string;
  /** Non-null values. */
  count: number;
  nulls: number;
  /** Approximate distinct non-null values (HyperLogLog), exact when <= 5. */
  distinct: number;
}

export interface NumericalColumnBaseline extends ColumnBaselineBase {
  kind: 'numerical';
  min: number;
  max: number;
  mean: number;
  /** Population std (ddof 0) over all reference rows; normalises the Wasserstein distance. */
  std: number;
  /** Keys '0.01' ... '0.99'. */
  quantiles: Record<string, number>;
  histogram: NumericHistogram;
  /** Baselines of format 1 kept a value sample here; checks now read the training file itself. */
  sample?: number[];
}

export interface CategoricalColumnBaseline extends ColumnBaselineBase {
  kind: 'categorical';
  /** Most frequent first; values beyond the cap are summed into OTHER_CATEGORY. */
  frequencies: CategoryCount[];
}

export type ColumnBaseline = NumericalColumnBaseline | CategoricalColumnBaseline;

/** What a baseline row stores as `stats` (jsonb): everything drift needs without the raw data. */
export interface BaselineStats {
  /** 2: no value sample; the check compares against the training file (datasetPath). */
  formatVersion: 1 | 2;
  rowCount: number;
  sampleSize?: number;
  bins: number;
  /**
   * 'binned' (now): interpolated in about 16,384 equal-width bins, within (max - min) / 16,384, exact for
   * columns of at most about 10 values. Older baselines: 'exact' up to 1M rows, 'approximate' (t-digest) above.
   */
  quantileMethod: 'exact' | 'approximate' | 'binned';
  columns: ColumnBaseline[];
  /** Numeric columns the baseline was told to treat as categories (compared value by value). */
  categorical?: string[];
  /** Columns of types drift does not compare (dates, lists...), with the reason. */
  skipped: { name: string; sqlType: string; reason: string }[];
}

/** Label for categories beyond the cap, and for current values the reference never had. */
export const OTHER_CATEGORY = '__other__';
