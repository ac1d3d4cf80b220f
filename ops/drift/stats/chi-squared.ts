import { regularizedGammaQ } from './gamma.ts';

export interface ChiSquaredResult {
  statistic: number;
  pValue: number;
  /** Degrees of freedom: categories - 1. */
  dof: number;
}

/**
 * Pearson's chi-squared goodness of fit of the current counts against the reference mix, as
 * Evidently does it: expected_i = reference share_i * current total. Categories are the union of
 * both sides (index-aligned arrays). A category the reference never saw has expected 0, which
 * makes the statistic infinite and the p-value 0: a new category is drift. A single category
 * carries no evidence either way and yields p = 1.
 */
export function chiSquaredTest(referenceCounts: readonly number[], currentCounts: readonly number[]): ChiSquaredResult {
  if (referenceCounts.length !== currentCounts.length) {
    throw new RangeError(`chiSquaredTest needs aligned counts, got ${referenceCounts.length} and ${currentCounts.length}`);
  }
  const referenceTotal = sum(referenceCounts);
  const currentTotal = sum(currentCounts);
  if (referenceTotal <= 0 || currentTotal <= 0) throw new RangeError('chiSquaredTest needs non-empty reference and current counts');
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const observed = currentCounts[i]!;
    const expected = (referenceCounts[i]! / referenceTotal) * currentTotal;
    if (expected === 0 && observed === 0) continue;
    categories++;
    statistic += expected === 0 ? Infinity : ((observed - expected) * (observed - expected)) / expected;
  }
  const dof = categories - 1;
  if (dof < 1) return { statistic: 0, pValue: 1, dof: 0 };
  return { statistic, pValue: chiSquaredSf(statistic, dof), dof };
}

/** P(X > x) for X ~ chi-squared(dof), like scipy.stats.chi2.sf. */
export function chiSquaredSf(x: number, dof: number): number {
  return regularizedGammaQ(dof / 2, x / 2);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
