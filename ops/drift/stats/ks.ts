/**
 * Two-sample Kolmogorov–Smirnov test with the asymptotic Kolmogorov distribution.
 *
 * The p-value is `Q_KS(sqrt(en) * D)` with `en = n*m / (n+m)`, which equals scipy's
 * `stats.kstwobign.sf(sqrt(en) * D)` (= `scipy.special.kolmogorov`). Current scipy's
 * `ks_2samp(method='asymp')` instead evaluates `kstwo.sf(D, round(en))`, a finite-n correction;
 * the two agree as samples grow (the fixtures record both). We pick the classic asymptotic form
 * because it is exact to match, cheap, and our samples are thousands of values.
 */

export interface KsResult {
  statistic: number;
  pValue: number;
}

/** Largest gap between the two empirical CDFs; ties are handled as scipy does (right-continuous CDFs). */
export function ksStatistic(reference: readonly number[], current: readonly number[]): number {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('ksStatistic needs two non-empty samples');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n || j < m) {
    // Step past every copy of the next smallest value on both sides before comparing, so a tie
    // never opens a gap the CDFs do not really have.
    const next = Math.min(i < n ? a[i]! : Infinity, j < m ? b[j]! : Infinity);
    while (i < n && a[i]! <= next) i++;
    while (j < m && b[j]! <= next) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/** Survival function of the Kolmogorov distribution, P(K > x). */
export function kolmogorovSf(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1) {
    // Jacobi-theta form of the CDF converges fast for small x; the alternating series does not.
    const factor = Math.sqrt(2 * Math.PI) / x;
    const w = (Math.PI * Math.PI) / (8 * x * x);
    let cdf = 0;
    for (let k = 1; k < 100; k++) {
      const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
      cdf += term;
      if (term < 1e-18 * cdf) break;
    }
    return Math.min(1, Math.max(0, 1 - factor * cdf));
  }
  let sum = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-18 * Math.abs(sum)) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Two-sided two-sample KS test. */
export function ksTwoSample(reference: readonly number[], current: readonly number[]): KsResult {
  const statistic = ksStatistic(reference, current);
  const en = (reference.length * current.length) / (reference.length + current.length);
  return { statistic, pValue: kolmogorovSf(Math.sqrt(en) * statistic) };
}
