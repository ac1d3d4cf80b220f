/**
 * First Wasserstein (earth mover's) distance between two empirical distributions with equal
 * weights, like `scipy.stats.wasserstein_distance(u, v)`: the area between the two CDFs.
 */
export function wassersteinDistance(reference: readonly number[], current: readonly number[]): number {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let area = 0;
  let previous = Math.min(a[0]!, b[0]!);
  while (i < n || j < m) {
    const next = Math.min(i < n ? a[i]! : Infinity, j < m ? b[j]! : Infinity);
    // Both CDFs are flat on [previous, next); add that slab before stepping past `next`.
    area += Math.abs(i / n - j / m) * (next - previous);
    while (i < n && a[i]! <= next) i++;
    while (j < m && b[j]! <= next) j++;
    previous = next;
  }
  return area;
}

/** Population standard deviation (ddof = 0, like numpy's default). */
export function populationStd(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((acc, value) => acc + value, 0) / values.length;
  const variance = values.reduce((acc, value) => acc + (value - mean) * (value - mean), 0) / values.length;
  return Math.sqrt(variance);
}

/**
 * Evidently's "normed Wasserstein": the distance divided by the reference's standard deviation,
 * so one threshold (0.1) fits every column's scale. Pass `referenceStd` when the reference is a
 * sample and the full data's std is known. A constant reference (std 0) returns the raw distance.
 */
export function normedWassersteinDistance(reference: readonly number[], current: readonly number[], referenceStd: number = populationStd(reference)): number {
  const distance = wassersteinDistance(reference, current);
  return referenceStd > 0 ? distance / referenceStd : distance;
}
