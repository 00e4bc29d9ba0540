/**
 * What measuring costs the thing measured: the same ~1 ms CPU-bound function called N times
 * bare (a plain loop) and through perfsight's runner + recorder (closed loop, one clock pair
 * per call, resource sampler on). Bare and instrumented alternate within each repetition;
 * the figure is the median of the per-repetition ratios. Goal: < 0.5 % (the seed asks < 2 %).
 */
import { runWorkload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import { runnerCostPerCallUs } from './_runner-cost.js';
import { median, round } from './_stats.js';

const CALLS = 1000;
const REPETITIONS = 21;

/** A deterministic CPU-bound function; `rounds` is calibrated to take about 1 ms. */
function work(rounds: number): number {
  let x = 0;
  for (let i = 0; i < rounds; i++) x = (x + Math.sqrt(i * 1.000001)) % 1e9;
  return x;
}

function calibrate(targetMs: number): number {
  let rounds = 10_000;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) work(rounds);
    const perCall = (performance.now() - start) / 20;
    if (perCall > targetMs * 0.9 && perCall < targetMs * 1.1) return rounds;
    rounds = Math.max(1000, Math.round((rounds * targetMs) / perCall));
  }
}

export default async function overheadBench(): Promise<Record<string, unknown>> {
  const rounds = calibrate(1);
  let sink = 0;
  // Both sides call the very same function object: a bare loop around `work` itself would let
  // the JIT inline it there, and the figure would compare code generation, not instrumentation.
  const call = (): void => void (sink += work(rounds));
  const workload = { name: 'work', call };
  const bare = (): number => {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) call();
    return performance.now() - start;
  };
  const instrumented = async (): Promise<number> => {
    const collector = new MetricsCollector();
    const start = performance.now();
    await runWorkload(workload, collector, { iterations: CALLS });
    return performance.now() - start;
  };
  const runnerCostUs = await runnerCostPerCallUs(() => void (sink += 1), 100_000);

  bare();
  await instrumented(); // warm-up round for the JIT
  const ratios: number[] = [];
  const bareMs: number[] = [];
  const instrumentedMs: number[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    // Alternate the order so a slow phase of the machine does not always hit the same side.
    const first = repetition % 2 === 0;
    const a = first ? bare() : await instrumented();
    const b = first ? await instrumented() : bare();
    const [bareTime, instrumentedTime] = first ? [a, b] : [b, a];
    bareMs.push(bareTime);
    instrumentedMs.push(instrumentedTime);
    ratios.push(instrumentedTime / bareTime);
  }
  if (sink === 42) console.log(sink);
  const overhead = median(ratios) - 1;
  return {
    how: `${CALLS} calls of a ~1 ms CPU-bound function, bare loop vs runWorkload + MetricsCollector, ${REPETITIONS} alternating repetitions, median of per-repetition ratios`,
    call_ms: round(median(bareMs) / CALLS),
    bare_total_ms: round(median(bareMs)),
    instrumented_total_ms: round(median(instrumentedMs)),
    overhead_percent: round(overhead * 100, 3),
    overhead_percent_of_median_totals: round(
      (median(instrumentedMs) / median(bareMs) - 1) * 100,
      3,
    ),
    per_call_overhead_us: round(((median(instrumentedMs) - median(bareMs)) / CALLS) * 1000, 3),
    runner_cost_per_noop_call_us: round(runnerCostUs, 3),
    runner_cost_percent_of_call: round((runnerCostUs / 1000 / (median(bareMs) / CALLS)) * 100, 4),
    goal: 'overhead_percent < 0.5',
  };
}
