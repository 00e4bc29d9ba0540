import { normalFrom, seededRandom } from '../../random/index.js';
import { FEATURES, TIMESTEPS } from './model.js';

/**
 * A seeded stream of realistic multivariate series (`[60, 15]` each): per feature a level,
 * a trend, a daily-like cycle and AR(1) noise, like sensor or market features. A share
 * `repeatRatio` of the calls repeats one of the last 100 inputs, to exercise the cache.
 */
export class SeriesStream {
  private readonly random: () => number;
  private readonly normal: () => number;
  private readonly recent: Float32Array[] = [];

  constructor(
    seed: number,
    private readonly repeatRatio: number,
    private readonly batch = 1,
  ) {
    this.random = seededRandom(seed);
    this.normal = normalFrom(seededRandom(seed + 1));
  }

  next(): Float32Array {
    if (this.recent.length > 0 && this.random() < this.repeatRatio) {
      return this.recent[Math.floor(this.random() * this.recent.length)]!;
    }
    const values = new Float32Array(this.batch * TIMESTEPS * FEATURES);
    for (let b = 0; b < this.batch; b++) {
      for (let f = 0; f < FEATURES; f++) {
        const level = this.normal() * 2;
        const trend = this.normal() * 0.02;
        const amplitude = Math.abs(this.normal());
        const period = 12 + Math.floor(this.random() * 24);
        let noise = 0;
        for (let t = 0; t < TIMESTEPS; t++) {
          noise = 0.7 * noise + 0.3 * this.normal();
          values[(b * TIMESTEPS + t) * FEATURES + f] =
            level + trend * t + amplitude * Math.sin((2 * Math.PI * t) / period) + noise;
        }
      }
    }
    this.recent.push(values);
    if (this.recent.length > 100) this.recent.shift();
    return values;
  }
}
