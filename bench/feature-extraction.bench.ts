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
import { runnerCostPerCallUs } from './_runner-cost.js';
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
  const calls = 300;
  const repetitions = 11;
  const inputs = Array.from({ length: calls }, (_, i) => new SeriesStream(100 + i, 0).next());
  // Both sides call the same function, so the figure is the runner + recorder alone.
  const call = async (i: number) => void (await extractor.extractFeatures(inputs[i % calls]!));
  const bare = async () => {
    const t = performance.now();
    for (let i = 0; i < calls; i++) await call(i);
    return performance.now() - t;
  };
  const instrumented = async () => {
    const collector = new MetricsCollector();
    const t = performance.now();
    await runWorkload({ name: 'fe', call }, collector, { iterations: calls });
    return performance.now() - t;
  };
  await bare();
  await instrumented();
  // Each repetition times bare, instrumented and bare again in a rotating order: the
  // second bare side is a control whose ratio shows the machine's noise on this workload.
  const ratios: number[] = [];
  const controlRatios: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const sides = [bare, instrumented, bare];
    const order = [0, 1, 2].map((k) => (k + r) % 3);
    const times: number[] = [];
    for (const k of order) times[k] = await sides[k]!();
    ratios.push(times[1]! / times[0]!);
    controlRatios.push(times[2]! / times[0]!);
  }
  const runnerCostUs = await runnerCostPerCallUs(async () => undefined, 50_000);
  const bareCallMs = (await bare()) / calls;

  // isolate: the model in a worker thread. Start-up (load + warm-up), cold latency with the
  // message round trip, and what an interruption costs until a fresh worker answers.
  start = performance.now();
  const isolated = FeatureExtractorFactory.createExtractor(model, {
    enableCaching: false,
    isolate: true,
    timeoutMs: 10_000,
  });
  await isolated.ready();
  const workerStartSeconds = (performance.now() - start) / 1000;
  const isolatedStream = new SeriesStream(1, 0, 1);
  await latencies(isolated, isolatedStream, 10, 1);
  const isolatedCold = await latencies(isolated, isolatedStream, 300, 1);
  await isolated.close();
  const interrupted = FeatureExtractorFactory.createExtractor(model, {
    enableCaching: false,
    isolate: true,
    timeoutMs: 1,
  });
  await interrupted.ready();
  start = performance.now();
  await interrupted.extractFeatures(new SeriesStream(5, 0, 8).next(), 8); // overruns 1 ms
  await interrupted.ready();
  const replacementSeconds = (performance.now() - start) / 1000;
  await interrupted.close();

  const cpu = await coldFigures('cpu', [1, 8], 60);
  await useBackend('wasm');

  return {
    how: 'cold = distinct inputs, cache off, after 10 warm-up calls; cache hit = one input repeated 3000 times; isolated = the same in a worker thread (start = load + 20 warm-up inferences); overhead = 300 uncached calls of one function bare vs through runWorkload+MetricsCollector, 11 repetitions of bare/instrumented/bare in rotating order, median of ratios (bare/bare is the noise control); runner cost = runWorkload on an async no-op',
    parameters: model.countParams(),
    build_and_first_call_seconds: round(buildSeconds),
    load_from_disk_and_first_call_seconds: round(loadSeconds),
    wasm_cold: wasm,
    cpu_cold: cpu,
    cache_hit: hits,
    isolated_wasm_cold_batch_1: isolatedCold,
    isolated_worker_start_seconds: round(workerStartSeconds),
    isolated_interrupt_to_replacement_ready_seconds: round(replacementSeconds),
    instrumentation_overhead_percent: round((median(ratios) - 1) * 100, 3),
    control_bare_vs_bare_percent: round((median(controlRatios) - 1) * 100, 3),
    runner_cost_per_noop_async_call_us: round(runnerCostUs, 3),
    runner_cost_percent_of_call: round((runnerCostUs / 1000 / bareCallMs) * 100, 4),
    goals: 'wasm batch_1 cold p95 ≤ 10 ms; cache-hit p95 ≤ 0.1 ms; load ≤ 2 s; overhead < 0.5 %',
  };
}
