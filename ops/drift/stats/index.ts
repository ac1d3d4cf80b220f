export { ksTwoSample, ksStatistic, kolmogorovSf, type KsResult } from './ks.ts';
export { chiSquaredTest, chiSquaredSf, type ChiSquaredResult } from './chi-squared.ts';
export { regularizedGammaQ, regularizedGammaP, logGamma } from './gamma.ts';
export { populationStabilityIndex, psiBand, PSI_EMPTY_BIN_SHARE, type PsiBand } from './psi.ts';
export { jensenShannonDistance } from './jensen-shannon.ts';
export { wassersteinDistance, normedWassersteinDistance, populationStd } from './wasserstein.ts';
