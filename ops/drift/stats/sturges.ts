/**
 * numpy's `histogram_bin_edges(values, bins='sturges')`: equal-width bins over [min, max] of the
 * data, their number ceil(range / (range / (log2(n) + 1))), edges laid out as `np.linspace`
 * does (start + k * step, the last edge exactly max). Evidently bins reference and current
 * together this way for PSI and Jensen–Shannon on numerical columns.
 */
export function sturgesEdges(min: number, max: number, count: number, integers = false): number[] {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const range = max - min;
  let width = range / (Math.log2(count) + 1);
  // numpy never makes bins narrower than 1 for integer data.
  if (integers && width > 0 && width < 1) width = 1;
  const bins = width > 0 ? Math.ceil(range / width) : 1;
  const step = (last - first) / bins;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? last : first + k * step));
}

/** Counts per bin as `np.histogram` with explicit edges: [e_i, e_{i+1}), the last bin closed. */
export function binIndex(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  if (value === edges[hi]) return hi - 1;
  // The first edge not greater than the value.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= value) lo = mid;
    else hi = mid;
  }
  return lo;
}
