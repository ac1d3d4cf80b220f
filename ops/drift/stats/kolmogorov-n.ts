import { logGamma } from './gamma.ts';
import { kolmogorovSf } from './ks.ts';

/**
 * P(D_n >= x) for the one-sample two-sided KS statistic with n values: scipy's `kstwo.sf`,
 * which `ks_2samp` evaluates at n = round(n1 n2 / (n1 + n2)) once a sample exceeds 10,000 values.
 * Regions follow Simard & L'Ecuyer as scipy does: the Ruben–Gambino closed forms at the ends,
 * twice the exact one-sided Smirnov probability (Birnbaum–Tingey sum) in the tail (n x^2 >= 2.2),
 * and the Pelz–Good expansion elsewhere. Where scipy would use Durbin's matrix (n <= 140, or
 * n x^1.5 <= 1.4, where p > 0.99) Pelz–Good stands in; it is within 1e-3 of it there.
 */
export function kolmogorovNSf(n: number, x: number): number {
  if (!(x > 0)) return 1;
  if (x >= 1) return 0;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  if (nx2 >= 18) return 0;
  return clip(1 - pelzGoodCdf(n, x));
}

/** ln(n! / n^n). */
function logFactorialOverPower(n: number): number {
  return logGamma(n + 1) - n * Math.log(n);
}

/**
 * One-sided P(D_n^+ >= x) = x * sum_{j=0}^{floor(n(1-x))} C(n,j) (1-x-j/n)^(n-j) (x+j/n)^(j-1),
 * every term positive, summed in log space around the largest.
 */
export function smirnovSf(n: number, x: number): number {
  const last = Math.floor(n * (1 - x));
  const logs: number[] = [];
  const logN = logGamma(n + 1);
  for (let j = 0; j <= last; j++) {
    const a = 1 - x - j / n;
    if (a <= 0) {
      if (j === n) logs.push(Math.log(x + j / n) * (j - 1));
      continue;
    }
    logs.push(logN - logGamma(j + 1) - logGamma(n - j + 1) + (n - j) * Math.log(a) + (j - 1) * Math.log(x + j / n));
  }
  let max = -Infinity;
  for (const value of logs) if (value > max) max = value;
  let total = 0;
  for (const value of logs) total += Math.exp(value - max);
  return x * Math.exp(max) * total;
}

const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Pelz–Good: P(D_n <= x) ~ K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^1.5 with z = x sqrt(n), in theta-function form. */
export function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  // Horner over odd m = 2k - 1 of c(m) q^(m^2): successive powers differ by q^(8k).
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const power = Math.pow(q, 8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * power + coefficients[i]!;
  }
  const divisors = [z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT2PI) / divisors[i]!;
  const q2 = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const power = Math.pow(q2, k2);
    k2extra += k2 * power;
    const kpi = Math.PI * k;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * power;
  }
  terms[2] = terms[2]! + (k2extra * PI2 * SQRT2PI) / (-36 * z2 * z);
  terms[3] = terms[3]! + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += terms[i]! / Math.pow(n, i / 2);
  return cdf;
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

export { kolmogorovSf };
