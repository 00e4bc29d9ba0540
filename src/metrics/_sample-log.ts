/**
 * Every sample, exactly, in arrival order, up to a cap (1,000,000 by default): what numpy
 * percentiles, `samples.csv.gz` and the comparison statistics are computed from. Columnar
 * typed arrays that double as they fill, so a small run stays small and a full one costs
 * 19 bytes a sample. Past the cap it stops growing; the histograms carry on.
 */
export const FLAG_SUCCESS = 1;
export const FLAG_CACHE_HIT = 2;
export const FLAG_CACHE_MISS = 4;
export const FLAG_FALLBACK = 8;

export class SampleLog {
  readonly cap: number;
  length = 0;
  latencyMs: Float64Array;
  timestampMs: Float64Array;
  flags: Uint8Array;
  errorCode: Uint16Array;

  constructor(cap: number, initialCapacity = 1024) {
    this.cap = cap;
    const size = Math.max(1, Math.min(initialCapacity, cap));
    this.latencyMs = new Float64Array(size);
    this.timestampMs = new Float64Array(size);
    this.flags = new Uint8Array(size);
    this.errorCode = new Uint16Array(size);
  }

  get full(): boolean {
    return this.length >= this.cap;
  }

  /** Appends a sample; the caller checks `full` first. */
  push(latencyMs: number, timestampMs: number, flags: number, errorCode: number): void {
    if (this.length === this.latencyMs.length) this.grow();
    const i = this.length++;
    this.latencyMs[i] = latencyMs;
    this.timestampMs[i] = timestampMs;
    this.flags[i] = flags;
    this.errorCode[i] = errorCode;
  }

  /** Latencies of the samples whose success flag equals `success`, ascending. */
  sortedLatencies(success: boolean): Float64Array {
    const wanted = success ? FLAG_SUCCESS : 0;
    let n = 0;
    for (let i = 0; i < this.length; i++) if ((this.flags[i]! & FLAG_SUCCESS) === wanted) n++;
    const out = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < this.length; i++) {
      if ((this.flags[i]! & FLAG_SUCCESS) === wanted) out[j++] = this.latencyMs[i]!;
    }
    return out.sort();
  }

  clear(): void {
    this.length = 0;
  }

  // The rare path: doubling keeps the amortised cost per sample constant.
  private grow(): void {
    const size = Math.min(this.cap, this.latencyMs.length * 2);
    const copy = <T extends Float64Array | Uint8Array | Uint16Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.latencyMs = copy(this.latencyMs, new Float64Array(size));
    this.timestampMs = copy(this.timestampMs, new Float64Array(size));
    this.flags = copy(this.flags, new Uint8Array(size));
    this.errorCode = copy(this.errorCode, new Uint16Array(size));
  }
}
