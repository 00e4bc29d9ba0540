import { afterMs, type CallOptions, type CallResult, type Workload } from '../load/index.js';
import { normalFrom, seededRandom } from '../random/index.js';

export interface SyntheticOptions {
  /** Median latency of a cache miss, ms. Default 2. */
  latencyMs?: number;
  /** Spread: σ of the log-normal latency. 0 makes every call take `latencyMs`. Default 0.5. */
  jitter?: number;
  /** Share of calls that fail (throw). Default 0. */
  errorRate?: number;
  /** Share of calls answered from the "cache", ten times faster. Default 0 (no cache). */
  cacheHitRate?: number;
  /** `sleep` waits on a timer (ms resolution, concurrent); `busy` spins the CPU. */
  mode?: 'sleep' | 'busy';
  seed?: number;
}

class SyntheticFailure extends Error {
  override name = 'SyntheticFailure';
}

/**
 * A workload with a known shape: log-normal latency, an error rate and a cache-hit rate,
 * all seeded. For trying perfsight out and for testing it.
 */
export function syntheticWorkload(options: SyntheticOptions = {}): Workload {
  const latencyMs = options.latencyMs ?? 2;
  const jitter = options.jitter ?? 0.5;
  const errorRate = options.errorRate ?? 0;
  const cacheHitRate = options.cacheHitRate ?? 0;
  const mode = options.mode ?? 'sleep';
  const seed = options.seed ?? 42;
  const random = seededRandom(seed);
  const normal = normalFrom(random);
  const hasCache = cacheHitRate > 0;

  return {
    name: 'synthetic',
    description: `Synthetic log-normal latency (median ${latencyMs} ms, σ ${jitter})`,
    info: () => ({
      kind: 'synthetic',
      latency_ms: latencyMs,
      jitter,
      error_rate: errorRate,
      cache_hit_rate: cacheHitRate,
      ...(hasCache ? { expected_cache_hit_rate: cacheHitRate } : {}),
      mode,
      seed,
    }),
    async call(_iteration: number, options?: CallOptions): Promise<CallResult> {
      const cacheHit = hasCache && random() < cacheHitRate;
      const fails = random() < errorRate;
      const ms = latencyMs * Math.exp(jitter * normal()) * (cacheHit ? 0.1 : 1);
      if (mode === 'busy') spin(ms);
      else await sleep(ms, options?.signal);
      if (fails) throw new SyntheticFailure('injected failure');
      return hasCache ? { cacheHit } : undefined;
    },
  };
}

/** A timer wait of any length (a long one is chained); an abandoned call stops waiting. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = afterMs(ms, done);
    function done() {
      signal?.removeEventListener('abort', abandoned);
      resolve();
    }
    function abandoned() {
      timer.cancel();
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abandoned, { once: true });
  });
}

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy-wait: a CPU-bound call of a known length
  }
}
