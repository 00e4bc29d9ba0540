/**
 * The runner's own cost per measured call against tinybench's, in one process: the same
 * no-op function (`() => {}`, then `async () => {}`) measured N times by perfsight's runner
 * (`runWorkload` into a default `MetricsCollector`, as `perfsight run` does) and by
 * tinybench's `Bench` (`run()`, one task, N iterations, no warm-up, no time budget). Each
 * side's time is the whole measurement's CPU time, statistics at the end included, over N. The sides
 * alternate within each repetition (order rotating); figures are medians of repetitions.
 * Goal: perfsight ≤ 0.5× tinybench's per-call cost.
 */
import { Bench } from 'tinybench';
import { runWorkload, type Workload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import { collectGarbage, median, round } from './_stats.js';

const CALLS = 200_000;
const REPETITIONS = 9;

type Side = () => Promise<number>;

/**
 * Per-call ns of one measurement of `CALLS` calls: the process's CPU time, not the wall
 * clock — on a shared machine the wall clock counts the time other processes ran.
 */
async function timed(measure: () => Promise<unknown> | unknown): Promise<number> {
  collectGarbage();
  const start = process.cpuUsage();
  await measure();
  const spent = process.cpuUsage(start);
  return ((spent.user + spent.system) * 1000) / CALLS;
}

function perfsight(call: Workload['call']): Side {
  return () =>
    timed(() => runWorkload({ name: 'noop', call }, new MetricsCollector(), { iterations: CALLS }));
}

function tinybench(fn: () => unknown, sync = false): Side {
  return () => {
    const bench = new Bench({ iterations: CALLS, time: 0, warmup: false });
    bench.add('noop', fn);
    return timed(() => (sync ? bench.runSync() : bench.run()));
  };
}

/** Medians of each side's per-call ns, and of the per-repetition ratios to the first side. */
async function compare(sides: Record<string, Side>): Promise<Record<string, number>> {
  const names = Object.keys(sides);
  const perCall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await sides[name]!(); // a warm-up round for the JIT
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    // Rotate the order so a slow phase of the machine does not always hit the same side.
    for (let k = 0; k < names.length; k++) {
      const name = names[(repetition + k) % names.length]!;
      perCall[name]!.push(await sides[name]!());
    }
  }
  const figures: Record<string, number> = {};
  for (const name of names) figures[`${name}_ns_per_call`] = round(median(perCall[name]!));
  const [ours, ...theirs] = names;
  for (const name of theirs) {
    const ratios = perCall[ours!]!.map((ns, i) => ns / perCall[name]![i]!);
    figures[`ratio_to_${name}`] = round(median(ratios), 3);
  }
  return figures;
}

export default async function runnerBench(): Promise<Record<string, unknown>> {
  const noop = (): void => {};
  const asyncNoop = async (): Promise<void> => {};
  const sync = await compare({
    perfsight: perfsight(noop),
    tinybench: tinybench(noop),
    tinybench_runSync: tinybench(noop, true),
  });
  const async = await compare({
    perfsight: perfsight(asyncNoop),
    tinybench: tinybench(asyncNoop),
  });
  return {
    how: `${CALLS.toLocaleString('en')} calls of a no-op per measurement, perfsight's runWorkload + MetricsCollector vs tinybench's Bench.run() (and runSync() for the sync no-op) in one process, ${REPETITIONS} repetitions in rotating order after a warm-up round, medians of per-call CPU ns and of per-repetition ratios; statistics at the end included on both sides`,
    sync,
    async,
    goal: 'ratio_to_tinybench ≤ 0.5 (sync and async)',
  };
}
