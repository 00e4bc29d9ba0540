import { driveLoad, type DriveOutcome, type RunPlan, type Workload } from '../load/index.js';
import type { MetricsCollector } from '../metrics/index.js';

/** Without a rate, a monitored closed loop makes `run`'s default number of calls. */
const CLOSED_LOOP_ITERATIONS = 1000;
/** Open loop: calls in flight at most; past it the schedule waits (and latencies show it). */
const MAX_IN_FLIGHT = 1000;
/**
 * The rolling windows put a sample in the slot open when it arrives, and the monitor's tick
 * closes slots: back-to-back calls give the loop back five times as often as `run`'s, so
 * ticks and dashboards stay on time and samples in their slot.
 */
const YIELD_EVERY_MS = 20;
/** Without a timeout, how long calls still in flight at the end are waited for. */
const END_GRACE_MS = 10_000;

/**
 * The monitor's use of the load driver `run` uses: runs of unbounded length (until the
 * duration or the signal), one recorder — `collector`, which passes each sample on to its
 * rolling windows — and no "uncorrected" recorder (whose exact log would grow to a million
 * samples). The collection starts when measuring does; `stop` ends it.
 */
export function driveInto(
  collector: MetricsCollector,
  workload: Workload,
  plan: RunPlan,
): Promise<DriveOutcome> {
  return driveLoad(
    workload,
    {
      ...plan,
      iterations: plan.iterations ?? (plan.rate ? undefined : CLOSED_LOOP_ITERATIONS),
      concurrency: plan.concurrency ?? (plan.rate ? MAX_IN_FLIGHT : 1),
    },
    {
      recorders: [collector],
      onMeasuring: () => collector.startCollection(),
      onYield: (longestCallMs) => collector.runnerYielding(longestCallMs),
      onResume: () => collector.runnerResumed(),
      yieldEveryMs: YIELD_EVERY_MS,
      endGraceMs: (plan.timeoutMs ?? END_GRACE_MS) + 100,
    },
  );
}
