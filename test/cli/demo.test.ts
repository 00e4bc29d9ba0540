import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * The default run — what a new user tries first — must not accuse the workload of what
 * Node, TensorFlow.js or perfsight itself do, nor of what the workload does by design.
 */
describe('perfsight run (the demo) says only true things', () => {
  let out: string;
  let stdout: string;

  beforeAll(async () => {
    out = join(tempDir(), 'demo');
    const result = await runCli(['run', '-n', '300', '--out', out, '--no-history']);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    stdout = result.stdout;
  }, 180_000);

  it('reports the memory the workload added and its growth, and judges only that', () => {
    const resources = readJson(join(out, 'summary.json')).resource_metrics;
    expect(resources.baseline_memory_mb).toBeGreaterThan(0);
    // The whole process holds more than the workload added: Node and the modules loaded.
    expect(resources.workload_memory_mb).toBeLessThan(resources.max_memory_mb);
    expect(resources.workload_memory_mb).toBeCloseTo(
      resources.max_memory_mb - resources.baseline_memory_mb,
      6,
    );
    expect(typeof resources.memory_growth_mb).toBe('number');
    const analysis = readJson(join(out, 'analysis.json'));
    const memory = analysis.bottlenecks.find(
      (b: { metric_name: string }) => b.metric_name === 'memory_mb',
    );
    if (resources.workload_memory_mb <= 100) expect(memory).toBeUndefined();
    expect(stdout).not.toMatch(/Max memory usage/);
  });

  it('a cache hit rate near the workload’s 20 % repeats is no bottleneck', () => {
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.workload.expected_cache_hit_rate).toBe(0.2);
    const analysis = readJson(join(out, 'analysis.json'));
    const metrics = analysis.bottlenecks.map((b: { metric_name: string }) => b.metric_name);
    if (summary.optimization_metrics.cache_hit_rate > 0.15) {
      expect(metrics).not.toContain('cache_hit_rate');
      expect(analysis.recommendations.map((r: { category: string }) => r.category)).not.toContain(
        'caching',
      );
    }
    // A closed loop keeps the core busy by design: no CPU finding, alert or recommendation.
    expect(metrics).not.toContain('cpu_percent');
    const alerts = readJson(join(out, 'alerts.json')).alerts;
    expect(alerts.map((a: { metric: string }) => a.metric)).not.toContain('cpu_percent');
    expect(stdout).not.toMatch(/Cache hit rate .* below threshold 80/);
  });

  it('the event-loop delay is not the runner’s 100 ms stretches of chained calls', () => {
    const summary = readJson(join(out, 'summary.json'));
    // No more than the longest call (what a timer waits for one call), with a little slack.
    expect(summary.resource_metrics.max_event_loop_delay_ms).toBeLessThanOrEqual(
      summary.latency_metrics.max_ms + 15,
    );
  });
});
