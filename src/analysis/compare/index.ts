/**
 * Baseline vs current with honest statistics: Mann–Whitney U and the Hodges–Lehmann shift
 * on the latency distributions, seeded bootstrap CIs for percentiles, Newcombe CIs for
 * rates; improved/regressed only when significant AND beyond the noise band.
 */
export { compareRuns, decide, MIN_SAMPLES } from './compare.js';
export type { CompareOptions } from './compare.js';
export { comparableRunOf } from './comparable.js';
export type { ComparableRun } from './comparable.js';
export { mannWhitneyU } from './mann-whitney.js';
export type { MannWhitneyResult } from './mann-whitney.js';
export { hodgesLehmannLogRatio } from './hodges-lehmann.js';
export { bootstrapRatioCI, quantileSorted } from './bootstrap.js';
export { newcombeDifferenceCI, wilsonInterval } from './newcombe.js';
export { normalSf } from './_normal.js';
