import { percent } from '../model/format.js';
import cliProgress from 'cli-progress';
import type { MetricsCollector } from '../metrics/index.js';

export interface ProgressTarget {
  /** Measured calls to make, if the run is bounded by a count. */
  iterations?: number;
  /** How long the run lasts, if it is bounded by time. */
  durationMs?: number;
}

/**
 * Shows a run's progress on stderr: a bar with ETA and live p95 on a terminal, a plain line
 * every few seconds otherwise (CI logs). Reads the collector's cheap live snapshot on its own
 * timer, never from the hot path.
 */
export function startProgress(
  collector: MetricsCollector,
  target: ProgressTarget,
  stream: NodeJS.WriteStream = process.stderr,
): () => void {
  const startedMs = performance.now();
  const total = target.iterations ?? Math.round((target.durationMs ?? 0) / 1000);
  const byCount = target.iterations !== undefined;
  const live = () => {
    const m = collector.getCurrentMetrics();
    const done = byCount
      ? m.total_samples
      : Math.min(total, Math.floor((performance.now() - startedMs) / 1000));
    return { m, done };
  };

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `{bar} {percentage}% | ETA {eta_formatted} | {value}/{total} ${byCount ? 'calls' : 's'} | p95 {p95} ms | {rps} rps | errors {errors}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0, { p95: '-', rps: '-', errors: '0' });
    const timer = setInterval(() => {
      const { m, done } = live();
      bar.update(done, {
        p95: m.latency_p95.toFixed(2),
        rps: m.requests_per_second.toFixed(1),
        errors: String(Math.round(m.error_rate * m.total_samples)),
      });
    }, 200);
    timer.unref();
    return () => {
      clearInterval(timer);
      bar.stop();
    };
  }

  // CI logs: say the run has begun (the workload is set up and Ctrl-C now writes a partial
  // report), then a line every 5 s.
  stream.write(
    `perfsight: measuring ${byCount ? `${total} calls` : `for ${total} s`}, progress every 5 s\n`,
  );
  const timer = setInterval(() => {
    const { m } = live();
    const elapsed = ((performance.now() - startedMs) / 1000).toFixed(0);
    const of = byCount ? `/${total}` : '';
    stream.write(
      `perfsight: ${m.total_samples}${of} samples, p95 ${m.latency_p95.toFixed(2)} ms, ` +
        `${m.requests_per_second.toFixed(1)} rps, ${percent(m.error_rate)} errors, ${elapsed} s elapsed\n`,
    );
  }, 5000);
  timer.unref();
  return () => clearInterval(timer);
}
