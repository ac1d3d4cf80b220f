/**
 * PSI as Evidently computes it over aligned bins: shares of each side's values, an empty bin's
 * share replaced by 0.0001, or by the side's smallest non-zero share / 1e6 when that share is at
 * most 0.0001, then sum((ref - cur) * ln(ref / cur)).
 */
export function evidentlyPsi(referenceCounts: readonly number[], currentCounts: readonly number[]): number {
  const reference = filledShares(referenceCounts);
  const current = filledShares(currentCounts);
  let psi = 0;
  for (let i = 0; i < reference.length; i++) psi += (reference[i]! - current[i]!) * Math.log(reference[i]! / current[i]!);
  return psi;
}

function filledShares(counts: readonly number[]): number[] {
  const total = counts.reduce((acc, value) => acc + value, 0);
  const shares = counts.map((value) => value / total);
  const smallest = Math.min(...shares.filter((share) => share !== 0));
  const fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  return shares.map((share) => (share === 0 ? fill : share));
}
