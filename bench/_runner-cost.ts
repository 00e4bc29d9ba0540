import { runWorkload, type Workload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import { median } from './_stats.js';

/**
 * The runner + recorder's own cost per call (µs), measured on a call that does nothing:
 * what instrumentation costs once the machine's noise is taken away. Median of 5 runs.
 */
export async function runnerCostPerCallUs(
  call: Workload['call'],
  iterations: number,
): Promise<number> {
  const perCallUs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    await runWorkload({ name: 'noop', call }, new MetricsCollector(), { iterations });
    perCallUs.push(((performance.now() - start) / iterations) * 1000);
  }
  return median(perCallUs);
}
