import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
  FLAG_SUCCESS,
  MetricsCollector,
  type RecordBatch,
  type Recorder,
} from '../../src/metrics/index.js';
import { driveLoad, type Workload } from '../../src/load/index.js';

type Sample = [latencyMs: number, flags: number, errorType: string | undefined, endMs: number];

/** Mostly plain successes (the batch's fast way), with everything else mixed in. */
const sample = fc.tuple(
  fc.oneof(
    { weight: 5, arbitrary: fc.double({ min: 0, max: 2000, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-9, 999.5, 1e12) },
  ),
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(FLAG_SUCCESS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        0,
        FLAG_SUCCESS | FLAG_CACHE_HIT,
        FLAG_SUCCESS | FLAG_CACHE_MISS,
        FLAG_SUCCESS | FLAG_FALLBACK,
        FLAG_CACHE_HIT,
      ),
    },
  ),
  fc.constantFrom(undefined, 'timeout', 'http_500'),
  // Gaps between calls' ends: most within an interval, some across one or many.
  fc.oneof(
    { weight: 8, arbitrary: fc.double({ min: 0, max: 50, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: 900, max: 5000, noNaN: true }) },
  ),
);

function toBatches(samples: Sample[], cuts: number[]): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let from = 0;
  for (const size of [...cuts, samples.length]) {
    const part = samples.slice(from, from + size);
    from += part.length;
    batches.push({
      length: part.length,
      latencyMs: Float64Array.from(part, (s) => s[0]),
      flags: Uint8Array.from(part, (s) => s[1]),
      errorType: part.map((s) => s[2]),
      timestampMs: Float64Array.from(part, (s) => s[3]),
    });
    if (from >= samples.length) break;
  }
  return batches;
}

/** Everything a collector computed and kept, as JSON can tell (so -0 and 0 differ below). */
function everything(collector: MetricsCollector, startMs: number, endMs: number): unknown {
  const metrics = collector.endCollection({ startMs, endMs });
  const run = collector.recorded();
  // Past the exact cap the samples are not the run's (null); the log still holds the first.
  const samples = run.samples ?? collector['log'];
  return {
    metrics,
    exact: run.samples !== null,
    sorted: [...samples.sortedLatencies(true)].map((v) => (Object.is(v, -0) ? '-0' : v)),
    columns: samples.chunkColumns().map((c) => ({
      latency: [...c.latencyMs],
      timestamp: [...c.timestampMs],
      flags: [...c.flags],
      errorCode: [...c.errorCode],
    })),
    success: [...run.successHistogram.counts],
    failure: [...run.failureHistogram.counts],
    errorTypes: run.errorTypes,
  };
}

describe('MetricsCollector.recordBatch', () => {
  it('computes exactly what record() computes sample by sample, however the batches fall', () => {
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 400 }),
        fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 600 }),
        fc.boolean(),
        (raw, cuts, exactCap, watched) => {
          let clock = 1_700_000_000_000;
          const samples: Sample[] = raw.map(([latency, flags, error, gap]) => {
            clock += gap;
            return [latency, flags, error, clock];
          });
          const options = { sampleResources: false, exactCap: Math.max(exactCap, 1) };
          const one = new MetricsCollector(options);
          const batched = new MetricsCollector(options);
          const seenOne: Sample[] = [];
          const seenBatched: Sample[] = [];
          if (watched) {
            one.forwardTo({ record: (...s) => void seenOne.push(s) });
            batched.forwardTo({ record: (...s) => void seenBatched.push(s) });
          }
          for (const s of samples) one.record(...s);
          for (const batch of toBatches(samples, cuts)) batched.recordBatch(batch);
          const startMs = samples[0]![3] - samples[0]![0];
          expect(everything(batched, startMs, clock)).toEqual(everything(one, startMs, clock));
          expect(seenBatched).toEqual(seenOne);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a run of plain successes as record() does: ±0 extremes, interval ends, past the cap', () => {
    // The batch's run is found, summed, counted and its extremes taken in one pass, and the
    // run's fastest and slowest come from the interval's: 0 and -0 tell which sample was kept.
    const plain = fc.tuple(
      fc.constantFrom(0, -0, 1, 2, 0.0005, 0.0015),
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(FLAG_SUCCESS) },
        { weight: 1, arbitrary: fc.constantFrom(0, FLAG_SUCCESS | FLAG_CACHE_HIT) },
      ),
      fc.constantFrom(undefined, 'timeout'),
      fc.constantFrom(0, 1, 400, 999, 1000, 1001, 2500),
    );
    fc.assert(
      fc.property(
        fc.array(plain, { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (raw, cuts, exactCap) => {
          let clock = 1_700_000_000_000;
          const samples: Sample[] = raw.map(([latency, flags, error, gap]) => {
            clock += gap;
            return [latency, flags, error, clock];
          });
          const options = { sampleResources: false, exactCap };
          const one = new MetricsCollector(options);
          const batched = new MetricsCollector(options);
          for (const s of samples) one.record(...s);
          for (const batch of toBatches(samples, cuts)) batched.recordBatch(batch);
          const startMs = samples[0]![3] - samples[0]![0];
          expect(everything(batched, startMs, clock)).toEqual(everything(one, startMs, clock));
          expect(batched['successMin']).toBe(one['successMin']);
          expect(batched['successMax']).toBe(one['successMax']);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops at a non-finite latency anywhere in a batch with what record() kept before it', () => {
    const bad = fc.constantFrom(NaN, Infinity, -Infinity, -1);
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 300 }),
        fc.nat(),
        bad,
        fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 8 }),
        (raw, at, latency, cuts) => {
          let clock = 1_700_000_000_000;
          const samples: Sample[] = raw.map(([l, flags, error, gap]) => {
            clock += gap;
            return [l, flags, error, clock];
          });
          const where = at % samples.length;
          samples[where] = [latency, samples[where]![1], samples[where]![2], samples[where]![3]];
          const options = { sampleResources: false, exactCap: 1000 };
          const one = new MetricsCollector(options);
          const batched = new MetricsCollector(options);
          for (const s of samples.slice(0, where)) one.record(...s);
          expect(() => one.record(...samples[where]!)).toThrow(/latencyMs must be a finite/);
          let thrown = 0;
          for (const batch of toBatches(samples, cuts)) {
            try {
              batched.recordBatch(batch);
            } catch (error) {
              expect(String(error)).toMatch(/latencyMs must be a finite/);
              thrown++;
              break;
            }
          }
          expect(thrown).toBe(1);
          const startMs = samples[0]![3] - samples[0]![0];
          expect(everything(batched, startMs, clock)).toEqual(everything(one, startMs, clock));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an impossible latency at its place in the batch, keeping those before it', () => {
    const collector = new MetricsCollector({ sampleResources: false });
    const batch = toBatches(
      [
        [1, FLAG_SUCCESS, undefined, 1000],
        [2, FLAG_SUCCESS, undefined, 1001],
        [NaN, FLAG_SUCCESS, undefined, 1002],
        [3, FLAG_SUCCESS, undefined, 1003],
      ],
      [],
    )[0]!;
    expect(() => collector.recordBatch(batch)).toThrow(/latencyMs must be a finite number/);
    expect(collector.getCurrentMetrics().total_samples).toBe(2);
  });
});

describe('the load driver hands batches to a recorder that takes them', () => {
  const workloads: Record<string, Workload['call']> = {
    synchronous: (i) => (i % 50 === 7 ? { success: false, errorType: 'bad' } : undefined),
    async: async (i) => (i % 50 === 7 ? { success: false, errorType: 'bad' } : undefined),
    mixed: (i) => (i % 3 === 0 ? Promise.resolve(undefined) : undefined),
  };
  it.each(Object.keys(workloads))(
    '%s calls: the batches hold every outcome record() gets, in the same order',
    async (name) => {
      const one: Sample[] = [];
      const batched: Sample[] = [];
      let batches = 0;
      const byRecord: Recorder = { record: (...s) => void one.push(s) };
      const byBatch: Recorder = {
        record: () => {
          throw new Error('the driver should hand this recorder batches');
        },
        recordBatch(batch) {
          batches++;
          for (let i = 0; i < batch.length; i++) {
            const { latencyMs, flags, errorType, timestampMs } = batch;
            batched.push([latencyMs[i]!, flags[i]!, errorType[i], timestampMs[i]!]);
          }
        },
      };
      await driveLoad(
        { name, call: workloads[name]! },
        { iterations: 3000 },
        { recorders: [byRecord, byBatch] },
      );
      expect(one).toHaveLength(3000);
      expect(batched).toEqual(one);
      expect(batches).toBeLessThan(3000 / 10);
    },
  );

  it('an async call that waited passes what is held on before the next call starts', async () => {
    const seen: number[] = [];
    const recorder: Recorder = {
      record: () => void seen.push(-1),
      recordBatch: (batch) => void seen.push(batch.length),
    };
    const recordedBefore: number[] = [];
    await driveLoad(
      {
        name: 'slow',
        call: async () => {
          recordedBefore.push(seen.reduce((a, b) => a + b, 0));
          await new Promise((resolve) => setTimeout(resolve, 3));
        },
      },
      { iterations: 5 },
      { recorders: [recorder] },
    );
    expect(recordedBefore).toEqual([0, 1, 2, 3, 4]);
  });
});
