import type { DataFileSession } from '../duckdb.ts';
import { BinCounter } from './bins.ts';
import { Reservoir } from './reservoir.ts';

export interface NumericScanColumn {
  name: string;
  /** Histogram edges to count into. */
  edges: readonly number[];
  /** Keep a sample of the column's values (for KS and Wasserstein). */
  sample: boolean;
}

export interface NumericScanResult {
  /** Finite values; NULL, NaN and infinities are missing. */
  count: number;
  counts: number[];
  below: number;
  above: number;
  sample?: number[];
}

/**
 * Bin counts and a seeded uniform sample of every listed column, in a single streamed pass over
 * the file: the file is read once whatever the number of columns, and memory holds one chunk of
 * rows plus the samples.
 */
export async function scanNumericColumns(
  session: DataFileSession,
  columns: readonly NumericScanColumn[],
  options: { sampleSize: number; seed: number },
): Promise<Map<string, NumericScanResult>> {
  const counters = columns.map((column) => new BinCounter(column.edges));
  // Each column gets its own seed so two identical columns still get independent samples.
  const reservoirs = columns.map((column, index) => (column.sample ? new Reservoir(Math.floor(options.sampleSize), options.seed + index) : undefined));
  if (columns.length > 0) {
    await session.scanNumbers(
      columns.map((column) => column.name),
      (chunk) => {
        for (let c = 0; c < chunk.length; c++) {
          counters[c]!.addAll(chunk[c]!);
          reservoirs[c]?.offerFinite(chunk[c]!);
        }
      },
    );
  }
  return new Map(
    columns.map((column, c) => {
      const { counts, below, above } = counters[c]!;
      const sample = reservoirs[c]?.values();
      return [column.name, { count: counters[c]!.finite, counts, below, above, ...(sample ? { sample } : {}) }];
    }),
  );
}
