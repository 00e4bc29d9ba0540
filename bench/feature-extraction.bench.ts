/**
 * The feature-extraction workload: model load time; latency of cold calls (cache misses)
 * and cache hits; WASM vs CPU backend; batch 1 and 8; and what perfsight's instrumentation
 * adds to this workload (bare loop vs runner + recorder, alternating, median of ratios).
 * Goals on this 2-core machine: cold p95 ≤ 10 ms (wasm, batch 1), cache-hit p95 ≤ 0.1 ms,
 * load ≤ 2 s, overhead < 0.5 %.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import {
  FeatureExtractorFactory,
  SeriesStream,
  buildFeatureModel,
  loadModel,
  saveModel,
  useBackend,
  type Backend,
  type FeatureExtractor,
} from '../src/workloads/feature-extraction/index.js';
import { median, round } from './_stats.js';
import { quantileSorted } from '../src/analysis/compare/bootstrap.js';

async function latencies(
  extractor: FeatureExtractor,
  stream: SeriesStream,
  calls: number,
  batch: number,
) {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const input = stream.next();
    const start = performance.now();
    await extractor.extractFeatures(input, batch);
    times.push(performance.now() - start);
  }
  const sorted = Float64Array.from(times).sort();
  return {
    p50_ms: round(quantileSorted(sorted, 0.5)),
    p95_ms: round(quantileSorted(sorted, 0.95)),
    p99_ms: round(quantileSorted(sorted, 0.99)),
  };
}

async function coldFigures(backend: Backend, batches: number[], calls: number) {
  await useBackend(backend);
  const model = buildFeatureModel(42);
  const extractor = FeatureExtractorFactory.createExtractor(model, {
    enableCaching: false,
    enableFallback: false,
  });
  const out: Record<string, unknown> = {};
  for (const batch of batches) {
    const stream = new SeriesStream(batch, 0, batch);
    await latencies(extractor, stream, 10, batch); // warm-up
    out[`batch_${batch}`] = await latencies(
      extractor,
      stream,
      batch === 1 ? calls : Math.ceil(calls / 4),
      batch,
    );
  }
  return out;
}

export default async function featureExtractionBench(): Promise<Record<string, unknown>> {
  // Load: backend start + seeded model build + first inference; and a save/load round trip.
  let start = performance.now();
  await useBackend('wasm');
  const model = buildFeatureModel(42);
  const warm = FeatureExtractorFactory.createExtractor(model);
  await warm.extractFeatures(new SeriesStream(1, 0).next());
  const buildSeconds = (performance.now() - start) / 1000;
  const dir = join(mkdtempSync(join(tmpdir(), 'perfsight-bench-')), 'model');
  await saveModel(model, dir);
  start = performance.now();
  const loaded = await loadModel(dir);
  await FeatureExtractorFactory.createExtractor(loaded).extractFeatures(
    new SeriesStream(2, 0).next(),
  );
  const loadSeconds = (performance.now() - start) / 1000;

  const wasm = await coldFigures('wasm', [1, 8], 300);

  // Cache hits: the same input again and again.
  const cached = FeatureExtractorFactory.createExtractor(model);
  const repeated = new SeriesStream(3, 1); // after the first call, every input repeats
  await latencies(cached, repeated, 50, 1);
  const hits = await latencies(cached, repeated, 3000, 1);

  // Instrumentation overhead on this workload: the same extractor, uncached, bare vs runner.
  const extractor = FeatureExtractorFactory.createExtractor(model, { enableCaching: false });
  const calls = 200;
  const inputs = Array.from({ length: calls }, (_, i) => new SeriesStream(100 + i, 0).next());
  const bare = async () => {
    const t = performance.now();
    for (let i = 0; i < calls; i++) await extractor.extractFeatures(inputs[i]!);
    return performance.now() - t;
  };
  const instrumented = async () => {
    const collector = new MetricsCollector();
    const t = performance.now();
    await runWorkload(
      { name: 'fe', call: async (i) => void (await extractor.extractFeatures(inputs[i % calls]!)) },
      collector,
      { iterations: calls },
    );
    return performance.now() - t;
  };
  await bare();
  await instrumented();
  const ratios: number[] = [];
  for (let r = 0; r < 7; r++) {
    const first = r % 2 === 0;
    const a = first ? await bare() : await instrumented();
    const b = first ? await instrumented() : await bare();
    ratios.push(first ? b / a : a / b);
  }

  const cpu = await coldFigures('cpu', [1, 8], 60);
  await useBackend('wasm');

  return {
    how: 'cold = distinct inputs, cache off, after 10 warm-up calls; cache hit = one input repeated 3000 times; overhead = 200 uncached calls bare vs runWorkload+MetricsCollector, 7 alternating repetitions, median of ratios',
    parameters: model.countParams(),
    build_and_first_call_seconds: round(buildSeconds),
    load_from_disk_and_first_call_seconds: round(loadSeconds),
    wasm_cold: wasm,
    cpu_cold: cpu,
    cache_hit: hits,
    instrumentation_overhead_percent: round((median(ratios) - 1) * 100, 3),
    goals: 'wasm batch_1 cold p95 ≤ 10 ms; cache-hit p95 ≤ 0.1 ms; load ≤ 2 s; overhead < 0.5 %',
  };
}
