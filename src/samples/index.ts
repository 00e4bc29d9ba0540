/**
 * The reading edge: raw-sample files (CSV, JSON Lines, gzipped) into a collector, and run
 * folders into runs a comparison takes. File access lives here, not in analysis.
 */
export { readSamplesFile, SAMPLE_COLUMNS } from './read.js';
export type { ReadSummary } from './read.js';
export { loadRunForComparison } from './run-folder.js';
export { readShardReport, shardReportFromHistory, mismatchOf, mergeShards } from './shards.js';
export type { ShardReport, MergedShards } from './shards.js';
