import { normalFrom, seededRandom } from '../../random/index.js';
import { product } from './_runner.js';
import { FEATURES, TIMESTEPS } from './model.js';

/** Where each call's input comes from: generated series, or the user's windows. */
export interface InputSource {
  next(): Float32Array;
  /**
   * The last `next()` started the windows over: what follows repeats earlier inputs by
   * wrapping around, not by the repeat ratio, and must not be answered by a cache.
   */
  readonly wrapped?: boolean;
}

/** Repeats of recent inputs: a share `repeatRatio` of calls asks for one of the last 100. */
class Repeats {
  private readonly recent: Float32Array[] = [];
  constructor(
    private readonly random: () => number,
    private readonly repeatRatio: number,
  ) {}

  pick(): Float32Array | undefined {
    if (this.recent.length > 0 && this.random() < this.repeatRatio) {
      return this.recent[Math.floor(this.random() * this.recent.length)]!;
    }
    return undefined;
  }

  keep(values: Float32Array): Float32Array {
    this.recent.push(values);
    if (this.recent.length > 100) this.recent.shift();
    return values;
  }
}

/**
 * A seeded stream of realistic multivariate series in the model's item shape (`[60, 15]` by
 * default; for another shape the last dimension is the features and the others the steps):
 * per feature a level, a trend, a daily-like cycle and AR(1) noise, like sensor or market
 * features. A share `repeatRatio` of the calls repeats one of the last 100 inputs, to
 * exercise the cache.
 */
export class SeriesStream implements InputSource {
  private readonly random: () => number;
  private readonly normal: () => number;
  private readonly repeats: Repeats;
  private readonly steps: number;
  private readonly features: number;

  constructor(
    seed: number,
    repeatRatio: number,
    private readonly batch = 1,
    itemDims: readonly number[] = [TIMESTEPS, FEATURES],
  ) {
    this.random = seededRandom(seed);
    this.normal = normalFrom(seededRandom(seed + 1));
    this.repeats = new Repeats(this.random, repeatRatio);
    this.features = itemDims.length >= 2 ? itemDims.at(-1)! : 1;
    this.steps = product(itemDims) / this.features;
  }

  next(): Float32Array {
    const repeated = this.repeats.pick();
    if (repeated) return repeated;
    const { steps, features } = this;
    const values = new Float32Array(this.batch * steps * features);
    for (let b = 0; b < this.batch; b++) {
      for (let f = 0; f < features; f++) {
        const level = this.normal() * 2;
        const trend = this.normal() * 0.02;
        const amplitude = Math.abs(this.normal());
        const period = 12 + Math.floor(this.random() * 24);
        let noise = 0;
        for (let t = 0; t < steps; t++) {
          noise = 0.7 * noise + 0.3 * this.normal();
          values[(b * steps + t) * features + f] =
            level + trend * t + amplitude * Math.sin((2 * Math.PI * t) / period) + noise;
        }
      }
    }
    return this.repeats.keep(values);
  }
}

/**
 * What `run` feeds a model: `SeriesStream`'s series, made before the run. Generating a
 * series (a normal draw and a sine per value) takes longer than a small model's inference,
 * and a call's generation is inside its measured latency; so a pool of 32 series is made at
 * the start, and each call takes a copy of one with its last value nudged by an amount of its
 * own (a copy and one write: every input distinct, none repeating by accident, so the cache
 * answers only the repeats asked for). A share `repeatRatio` of the calls repeats one of the
 * last 100 inputs, as `SeriesStream` does.
 */
export class PooledSeries implements InputSource {
  private readonly pool: Float32Array[];
  private readonly repeats: Repeats;
  private calls = 0;

  constructor(seed: number, repeatRatio: number, batch: number, itemDims: readonly number[]) {
    const stream = new SeriesStream(seed, 0, batch, itemDims);
    this.pool = Array.from({ length: 32 }, () => stream.next());
    this.repeats = new Repeats(seededRandom(seed + 5), repeatRatio);
  }

  next(): Float32Array {
    const repeated = this.repeats.pick();
    if (repeated) return repeated;
    const k = this.calls++;
    const base = this.pool[k % this.pool.length]!;
    const values = Float32Array.from(base);
    // A golden-ratio sequence in ±0.5: never the same nudge twice for one pool series.
    values[values.length - 1]! +=
      ((Math.floor(k / this.pool.length) * 0.6180339887498949) % 1) - 0.5;
    return this.repeats.keep(values);
  }
}

/**
 * The user's windows (`--inputs`), `batch` per call, cycling; a share `repeatRatio` of the
 * calls repeats one of the last 100 inputs, as for generated ones. `wrapped` says when a
 * cycle ends: the workload then empties its cache, so a window seen in the last cycle is
 * not a cache hit (a few windows cycled would otherwise be mostly the cache's answers).
 */
export class WindowCycle implements InputSource {
  private position = 0;
  private readonly repeats: Repeats;
  private readonly perItem: number;
  private readonly count: number;

  constructor(
    private readonly windows: Float32Array,
    itemDims: readonly number[],
    private readonly batch: number,
    repeatRatio: number,
    seed: number,
  ) {
    this.perItem = product(itemDims);
    this.count = windows.length / this.perItem;
    this.repeats = new Repeats(seededRandom(seed), repeatRatio);
  }

  wrapped = false;

  next(): Float32Array {
    this.wrapped = false;
    const repeated = this.repeats.pick();
    if (repeated) return repeated;
    const values = new Float32Array(this.batch * this.perItem);
    for (let b = 0; b < this.batch; b++) {
      const w = this.position;
      this.position = (this.position + 1) % this.count;
      if (this.position === 0) this.wrapped = true;
      values.set(this.windows.subarray(w * this.perItem, (w + 1) * this.perItem), b * this.perItem);
    }
    return this.repeats.keep(values);
  }
}
