/**
 * Population Stability Index over aligned bins (histogram bins or categories):
 * sum((cur% - ref%) * ln(cur% / ref%)).
 *
 * Empty bins: a share of exactly 0 on either side is replaced by 1e-4 (0.01 %) before the sum,
 * with no renormalisation, so one empty bin adds a large but finite term instead of infinity.
 */
export const PSI_EMPTY_BIN_SHARE = 1e-4;

export type PsiBand = 'none' | 'moderate' | 'significant';

export function populationStabilityIndex(referenceCounts: readonly number[], currentCounts: readonly number[]): number {
  if (referenceCounts.length !== currentCounts.length) {
    throw new RangeError(`populationStabilityIndex needs aligned bins, got ${referenceCounts.length} and ${currentCounts.length}`);
  }
  const referenceShares = shares(referenceCounts);
  const currentShares = shares(currentCounts);
  let psi = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const ref = referenceShares[i]! || PSI_EMPTY_BIN_SHARE;
    const cur = currentShares[i]! || PSI_EMPTY_BIN_SHARE;
    psi += (cur - ref) * Math.log(cur / ref);
  }
  return psi;
}

/** The usual reading of PSI: < 0.1 no drift, 0.1–0.25 moderate, >= 0.25 significant. */
export function psiBand(psi: number): PsiBand {
  if (psi < 0.1) return 'none';
  if (psi < 0.25) return 'moderate';
  return 'significant';
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((acc, value) => acc + value, 0);
  if (!(total > 0)) throw new RangeError('populationStabilityIndex needs non-empty counts on both sides');
  return counts.map((value) => value / total);
}
