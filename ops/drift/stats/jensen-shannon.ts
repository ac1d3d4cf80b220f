/**
 * Jensen–Shannon distance (the square root of the JS divergence) with the natural logarithm,
 * like `scipy.spatial.distance.jensenshannon(p, q)` with its default base. Evidently calls scipy
 * with that default, so its 0.1 threshold is in these units; base 2 would give values 1/sqrt(ln 2)
 * times larger. Inputs are counts or shares over aligned bins; each side is normalised to sum 1.
 * Empty bins need no smoothing: 0 * ln 0 counts as 0, and the mixture is never 0 where a side is not.
 */
export function jensenShannonDistance(reference: readonly number[], current: readonly number[], base: number = Math.E): number {
  if (reference.length !== current.length) {
    throw new RangeError(`jensenShannonDistance needs aligned bins, got ${reference.length} and ${current.length}`);
  }
  const p = normalise(reference);
  const q = normalise(current);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    const qi = q[i]!;
    const mi = (pi + qi) / 2;
    if (pi > 0) divergence += 0.5 * pi * Math.log(pi / mi);
    if (qi > 0) divergence += 0.5 * qi * Math.log(qi / mi);
  }
  // Rounding can leave a tiny negative divergence for identical inputs.
  return Math.sqrt(Math.max(0, divergence) / Math.log(base));
}

function normalise(values: readonly number[]): number[] {
  const total = values.reduce((acc, value) => acc + value, 0);
  if (!(total > 0)) throw new RangeError('jensenShannonDistance needs non-empty counts on both sides');
  return values.map((value) => value / total);
}
