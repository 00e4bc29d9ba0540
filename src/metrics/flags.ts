/**
 * A sample's outcome bits, as the recorder stores them (`SampleColumns.flags`) and the samples
 * files are written from them. A module of their own, with no imports: the samples worker
 * needs the four constants, not the recorder, its histograms and sorts behind metrics/index.
 */
export const FLAG_SUCCESS = 1;
export const FLAG_CACHE_HIT = 2;
export const FLAG_CACHE_MISS = 4;
export const FLAG_FALLBACK = 8;
