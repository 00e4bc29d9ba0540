/**
 * Child process of memory.bench.ts: records N samples into a fresh collector and prints
 * the RSS and heap after a full GC, as JSON. One process per N so figures do not mix.
 */
import { FLAG_SUCCESS, MetricsCollector } from '../src/metrics/index.js';
import { seededRandom } from '../src/random/index.js';
import { collectGarbage } from './_stats.js';

const samples = Number(process.argv[2]);
const random = seededRandom(7);
collectGarbage();
const before = process.memoryUsage();
const collector = new MetricsCollector({ sampleResources: false });
collector.startCollection();
const startMs = Date.now();
for (let i = 0; i < samples; i++) {
  // Log-uniform 0.1 ms – 1 s: touches many histogram buckets. 100,000 samples per second.
  collector.record(0.1 * 10_000 ** random(), FLAG_SUCCESS, undefined, startMs + i / 100);
}
collector.endCollection();
collectGarbage();
const after = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    samples,
    rss_mb: after.rss / 2 ** 20,
    rss_growth_mb: (after.rss - before.rss) / 2 ** 20,
    heap_used_mb: after.heapUsed / 2 ** 20,
    array_buffers_mb: after.arrayBuffers / 2 ** 20,
    p99_ms: collector.aggregatedMetrics.latencyPercentiles.p99,
  }),
);
