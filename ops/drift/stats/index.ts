export { ksTwoSample, ksStatistic, kolmogorovSf, type KsResult } from './ks.ts';
export { chiSquaredTest, chiSquaredSf, type ChiSquaredResult } from './chi-squared.ts';
export { regularizedGammaQ, regularizedGammaP, logGamma } from './gamma.ts';
export { populationStabilityIndex, psiBand, PSI_EMPTY_BIN_SHARE, type PsiBand } from './psi.ts';
export { jensenShannonDistance } from './jensen-shannon.ts';
export { wassersteinDistance, normedWassersteinDistance, populationStd } from './wasserstein.ts';
export { ksTwoSamplePValue, exactTwoSidedPValue, KS_EXACT_MAX_N, type KsMethod, type KsPValue } from './ks-exact.ts';
export { twoProportionZTest, normalCdf } from './z-test.ts';
export { sturgesEdges, binIndex } from './sturges.ts';
