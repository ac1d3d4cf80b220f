import { regularizedGammaQ } from './gamma.ts';

/**
 * Two-sided pooled two-proportion z-test, Evidently's test for binary columns: the share of
 * values other than the first category (in sorted order) on each side, the pooled share under
 * the null, and p = 2 * (1 - Phi(|z|)). Which category comes first does not change |z|.
 * Two constant sides with the same value give p = 1, as in Evidently.
 */
export function twoProportionZTest(referenceOther: number, referenceTotal: number, currentOther: number, currentTotal: number): { z: number; pValue: number } {
  const p1 = referenceOther / referenceTotal;
  const p2 = currentOther / currentTotal;
  const pooled = (referenceOther + currentOther) / (referenceTotal + currentTotal);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / referenceTotal + 1 / currentTotal));
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Standard normal CDF through the complementary error function, erfc(x) = Q(1/2, x^2). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = z / Math.SQRT2;
  const erfc = regularizedGammaQ(0.5, x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
