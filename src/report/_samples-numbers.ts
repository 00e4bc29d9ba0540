/**
 * A number's shortest exact text (what `String()` gives) written straight into a buffer,
 * without making a string: the samples CSV writes two numbers a row, and `String()` of
 * two million numbers was most of the samples worker's time.
 *
 * The fast path: a value that is exactly the double nearest a decimal `m × 10^-d` of at
 * most 15 significant digits (what a latency or a timestamp read from a CSV is). Any two
 * decimals of at most 15 significant digits are different doubles (DBL_DIG is 15), so the
 * shortest text that reads back as the value is that decimal, without trailing zeros; and
 * `m / 10^d` (both exact, one correctly rounded division) is that nearest double, so
 * checking `m / 10^d === value` proves it. Anything the check does not prove — more
 * digits, a tiny, huge or negative value — is written by `String()`.
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const MAX_DECIMALS = POW10.length - 1;
/** `m` stays below this: at most 15 significant digits. */
const MAX_DIGITS = 1e15;
/** Below it `String()` switches to exponent form (1e-7). */
const SMALLEST_PLAIN = 1e-6;
const ZERO = 48;
const DOT = 46;

/**
 * Writes numbers as `String()` does. One per column: the decimal places of the last value
 * are tried first, so a column of like values costs one check a value.
 */
export class ShortestNumbers {
  /** The decimal places of the last value written by the fast path. */
  private lastDecimals = 0;

  /** Writes `String(value)` into `out` at `at` (room for 25 bytes) and returns the end. */
  write(out: Uint8Array, at: number, value: number): number {
    if (value >= SMALLEST_PLAIN && value < MAX_DIGITS) {
      const guess = this.lastDecimals;
      if (exactWith(value, guess)) return writeDecimal(out, at, value, guess);
      for (let d = 0; d <= MAX_DECIMALS; d++) {
        if (d !== guess && exactWith(value, d)) {
          this.lastDecimals = d;
          return writeDecimal(out, at, value, d);
        }
      }
    } else if (value === 0) {
      // String(-0) is "0" too.
      out[at] = ZERO;
      return at + 1;
    }
    const text = String(value);
    for (let j = 0; j < text.length; j++) out[at++] = text.charCodeAt(j);
    return at;
  }
}

/** Whether `value` is the double nearest `round(value × 10^d) × 10^-d`, of ≤ 15 digits. */
function exactWith(value: number, d: number): boolean {
  const p = POW10[d]!;
  const m = Math.round(value * p);
  return m < MAX_DIGITS && m / p === value;
}

/** The decimal `m × 10^-d` (m = round(value × 10^d)), trailing zeros dropped. */
function writeDecimal(out: Uint8Array, at: number, value: number, d: number): number {
  const p = POW10[d]!;
  const m = Math.round(value * p);
  // m < 10^15 < 2^53: the quotient's rounding cannot reach the next integer (a fraction is
  // at least 1/p from it), and whole × p is exact. No `%` on doubles: a slow call in V8.
  const whole = Math.floor(m / p);
  let fraction = m - whole * p;
  at = writeInteger(out, at, whole);
  if (fraction === 0) return at;
  let places = d;
  // fraction < 10^9 < 2^31 from here on: integer arithmetic.
  while (fraction % 10 === 0) {
    fraction = (fraction / 10) | 0;
    places--;
  }
  out[at] = DOT;
  return writeDigits(out, at + 1, fraction, places);
}

/** A non-negative integer below 10^15, in decimal. */
function writeInteger(out: Uint8Array, at: number, n: number): number {
  if (n < BILLION) return writeDigits(out, at, n, digitsOf(n));
  const high = Math.floor(n / BILLION);
  at = writeDigits(out, at, high, digitsOf(high));
  return writeDigits(out, at, n - high * BILLION, 9);
}

const BILLION = 1e9;

/** Digits of an integer below 10^9. */
function digitsOf(n: number): number {
  let digits = 1;
  while (digits < 9 && n >= POW10[digits]!) digits++;
  return digits;
}

/** `n` (below 10^9) as exactly `digits` digits, zeros in front. */
function writeDigits(out: Uint8Array, at: number, n: number, digits: number): number {
  let rest = n | 0;
  const end = at + digits;
  for (let i = end - 1; i >= at; i--) {
    const next = (rest / 10) | 0;
    out[i] = ZERO + rest - next * 10;
    rest = next;
  }
  return end;
}
