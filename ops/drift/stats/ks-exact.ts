import { kolmogorovNSf } from './kolmogorov-n.ts';

/**
 * p-value of the two-sided two-sample KS test the way scipy's `ks_2samp(method='auto')` picks
 * it: the exact null distribution when neither sample exceeds 10,000 values, else the
 * asymptotic one. The exact value counts the lattice paths from (0, 0) to (n, m) that leave the
 * band |x/n - y/m| < D (Hodges' "inside" method, carried as 1 - p so that small p-values keep
 * their precision, as Viehmann recommends); equal sizes use the closed reflection formula.
 */
export const KS_EXACT_MAX_N = 10_000;

export type KsMethod = 'exact' | 'asymptotic';

export interface KsPValue {
  pValue: number;
  method: KsMethod;
}

export function ksTwoSamplePValue(statistic: number, n1: number, n2: number): KsPValue {
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = exactTwoSidedPValue(statistic, n1, n2);
    if (exact !== undefined) return { pValue: exact, method: 'exact' };
  }
  return { pValue: asymptoticPValue(statistic, n1, n2), method: 'asymptotic' };
}

/** Undefined when floating point cannot carry the count (scipy then falls back likewise). */
export function exactTwoSidedPValue(statistic: number, n1: number, n2: number): number | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  // The statistic is a multiple of 1/lcm; rounding removes the float noise of the CDF difference.
  const h = Math.round(statistic * lcm);
  if (h === 0) return 1;
  const p = n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return undefined;
  return p;
}

/** P(D_{n,n} >= h/n) by the alternating reflection sum, evaluated Horner-style. */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * 1 - (paths staying strictly inside |x/m - y/n| < h/lcm) / binom(m+n, n), one column of the
 * path-count table at a time over a sliding window of rows, each entry already divided by the
 * binomial coefficient so no value overflows.
 */
function outsideBand(a: number, b: number, g: number, h: number): number {
  const m = Math.max(a, b);
  const n = Math.min(a, b);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const length = Math.min(2 * maxj + 2, n + 1);
  const column = new Float64Array(length).fill(1);
  column.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      value = (column[jj + minj - lastminj]! * i + value * j) / (i + j);
      column[jj] = value;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) column.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return column[maxj - minj - 1]!;
}

/** Above 10,000 values scipy evaluates `kstwo.sf(D, round(nm/(n+m)))`; so does Weir. */
function asymptoticPValue(statistic: number, n1: number, n2: number): number {
  const en = Math.round((n1 * n2) / (n1 + n2));
  return kolmogorovNSf(en, statistic);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
