/**
 * Starting the samples worker ahead of a large file's reading (see `_samples-files.ts`), for
 * the command line. A face of its own, apart from `index.ts`: this loads Node's worker module
 * and little else, where the folder's index loads some 140 modules (~70 ms) — time the
 * worker, started first, spends booting on the other core instead of after them.
 */
export { prepareSamplesWorker, releaseSamplesWorker } from './_samples-files.js';
export type { SamplesSink } from './_samples-files.js';
