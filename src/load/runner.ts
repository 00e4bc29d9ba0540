import { MetricsCollector } from '../metrics/index.js';
import { driveLoad, type DriveOutcome, type RunPlan } from './driver.js';
import type { Workload } from './workload.js';

export interface RunOutcome extends DriveOutcome {
  /** Open loop only: latencies measured from each call's actual start, for comparison. */
  uncorrected: MetricsCollector | null;
}

const DEFAULT_ITERATIONS = 1000;

/**
 * `perfsight run`'s measurement: drives `workload` according to `plan` (the load driver,
 * `driveLoad`) into `collector`, which it starts once the warm-up is over and ends. Without
 * `iterations` or `durationMs`, 1000 calls. With a rate, the same calls are also recorded
 * from their actual start into `uncorrected`, so reports can show what coordinated omission
 * would have hidden.
 */
export async function runWorkload(
  workload: Workload,
  collector: MetricsCollector,
  plan: RunPlan = {},
): Promise<RunOutcome> {
  const uncorrected = plan.rate ? new MetricsCollector({ sampleResources: false }) : null;
  let measuring = false;
  const outcome = await driveLoad(
    workload,
    {
      ...plan,
      iterations:
        plan.iterations ?? (plan.durationMs === undefined ? DEFAULT_ITERATIONS : undefined),
    },
    {
      recorders: [collector],
      uncorrected: uncorrected ? [uncorrected] : [],
      onMeasuring: () => {
        measuring = true;
        collector.startCollection();
        uncorrected?.startCollection();
      },
      onYield: (longestCallMs) => collector.runnerYielding(longestCallMs),
      onResume: () => collector.runnerResumed(),
    },
  );
  // Interrupted during the warm-up: an empty collection, and no uncorrected figures.
  if (!measuring) collector.startCollection();
  collector.endCollection();
  uncorrected?.endCollection();
  return { ...outcome, uncorrected: measuring ? uncorrected : null };
}
