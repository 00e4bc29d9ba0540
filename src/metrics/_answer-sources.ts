/**
 * Who answered a successful call: the workload itself (`model`), its cache, or its fallback.
 * A verdict about a model's latency must rest on the model's answers, so each source's
 * latencies are reported apart (DESIGN.md, "Trust rules").
 *
 * Exact figures come from the sample log. For runs past the exact cap, cache and fallback
 * answers also go into their own histograms on the recorder's rare path (a run answered
 * wholly by the model never touches them); the model's histogram is the run's minus those.
 */
import { LogLinearCounts } from './_log-linear.js';
import {
  SUM_SCALE,
  exactPercentiles,
  histogramPercentiles,
  type Ascending,
} from './_latency-stats.js';
import { FLAG_CACHE_HIT, FLAG_FALLBACK, FLAG_SUCCESS, type SampleLog } from './_sample-log.js';
import { sortAscending } from './_sort.js';
import type { AnswerSource, LatencyBySource, LatencyPercentiles, SourceLatency } from './types.js';

export const ANSWER_SOURCES: readonly AnswerSource[] = ['model', 'cache', 'fallback'];

/** Flags of an answer the model did not give. */
export const NOT_THE_MODEL = FLAG_CACHE_HIT | FLAG_FALLBACK;

/**
 * The source of a successful sample. A sample flagged both cache hit and fallback is the
 * fallback's: the cache handed back an answer the model never gave.
 */
export function sourceOf(flags: number): AnswerSource {
  if ((flags & FLAG_FALLBACK) !== 0) return 'fallback';
  if ((flags & FLAG_CACHE_HIT) !== 0) return 'cache';
  return 'model';
}

/** Running figures of the answers of one source other than the model (rare path). */
export class SourceRecorder {
  histogram: LogLinearCounts | undefined;
  count = 0;
  scaledSum = 0;
  min = Infinity;
  max = -Infinity;

  record(latencyMs: number): void {
    // Allocated once, on the first such answer: most runs never have one.
    (this.histogram ??= new LogLinearCounts(3)).recordMs(latencyMs);
    this.count++;
    this.scaledSum += latencyMs * SUM_SCALE;
    if (latencyMs < this.min) this.min = latencyMs;
    if (latencyMs > this.max) this.max = latencyMs;
  }
}

const none = (): SourceLatency => ({ count: 0, percentiles: null });

/**
 * Exact figures per source, from every successful sample in the log. What the caller knows
 * already saves passes over a million samples: `answered`, how many successes each source
 * gave, counted as they were recorded (else counted here); `successPercentiles`, the
 * figures of all the successes (what a source that gave them all has).
 */
export function exactLatencyBySource(
  log: SampleLog,
  successLatencies: Ascending,
  known: {
    answered?: Record<AnswerSource, number>;
    successPercentiles?: LatencyPercentiles;
  } = {},
): LatencyBySource {
  const counts = known.answered ?? countBySource(log);
  const result: LatencyBySource = { model: none(), cache: none(), fallback: none() };
  for (const source of ANSWER_SOURCES) {
    const count = counts[source];
    if (count === 0) continue;
    // The common case: one source answered everything, whose latencies are already sorted.
    const percentiles =
      count !== successLatencies.length
        ? exactPercentiles(sortedOf(log, source, count))
        : known.successPercentiles
          ? { ...known.successPercentiles }
          : exactPercentiles(successLatencies);
    result[source] = { count, percentiles };
  }
  return result;
}

function countBySource(log: SampleLog): Record<AnswerSource, number> {
  const counts = { model: 0, cache: 0, fallback: 0 };
  for (let i = 0; i < log.length; i++) {
    const flags = log.flagsAt(i);
    if ((flags & FLAG_SUCCESS) !== 0) counts[sourceOf(flags)]++;
  }
  return counts;
}

function sortedOf(log: SampleLog, source: AnswerSource, count: number): Float64Array {
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < log.length; i++) {
    const flags = log.flagsAt(i);
    if ((flags & FLAG_SUCCESS) !== 0 && sourceOf(flags) === source) out[j++] = log.latencyAt(i);
  }
  return sortAscending(out);
}

/**
 * Figures per source past the exact cap: cache and fallback from their own histograms, the
 * model's from the run's histogram less theirs. The model's min and max are exact when no
 * other source reached the run's extremes, else the histogram's (3 significant digits).
 */
export function histogramLatencyBySource(
  success: LogLinearCounts,
  successFigures: { count: number; scaledSum: number; min: number; max: number },
  cache: SourceRecorder,
  fallback: SourceRecorder,
): LatencyBySource {
  const figuresOf = (recorder: SourceRecorder): SourceLatency =>
    recorder.count === 0 || !recorder.histogram
      ? none()
      : {
          count: recorder.count,
          percentiles: histogramPercentiles(recorder.histogram, {
            scaledSum: recorder.scaledSum,
            min: recorder.min,
            max: recorder.max,
          }),
        };
  const modelCount = successFigures.count - cache.count - fallback.count;
  let model = none();
  if (modelCount > 0) {
    const counts = success.clone();
    for (const other of [cache.histogram, fallback.histogram]) {
      if (!other) continue;
      for (let i = 0; i < counts.counts.length; i++) counts.counts[i]! -= other.counts[i]!;
      counts.totalCount -= other.totalCount;
    }
    const othersMin = Math.min(cache.min, fallback.min);
    const othersMax = Math.max(cache.max, fallback.max);
    let low = -1;
    let high = -1;
    counts.forEachNonZero((_, __, index) => {
      if (low < 0) low = index;
      high = index;
    });
    const scaledSum = successFigures.scaledSum - cache.scaledSum - fallback.scaledSum;
    model = {
      count: modelCount,
      percentiles: histogramPercentiles(counts, {
        scaledSum: Math.max(0, scaledSum),
        min:
          othersMin > successFigures.min
            ? successFigures.min
            : counts.lowestEquivalentMicros(low) / 1000,
        max:
          othersMax < successFigures.max
            ? successFigures.max
            : counts.highestEquivalentMicros(high) / 1000,
      }),
    };
  }
  return { model, cache: figuresOf(cache), fallback: figuresOf(fallback) };
}
