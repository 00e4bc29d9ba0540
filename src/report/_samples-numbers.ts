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
 *
 * The decimal is then written from the integers alone: its whole part `⌊m / 10^d⌋`, which
 * is `⌊value⌋` (see `writeDecimal`), and its fraction `m − whole × 10^d` (exact: both are
 * integers below 2^53), in int32 parts below 10^8: below 1000 (a latency's whole part, a
 * fraction of up to three places) from a table in one store, else two digits a store. The
 * whole part of a timestamp, which consecutive rows share, is the row before's bytes again.
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const MAX_DECIMALS = POW10.length - 1;
/** `m` stays below this: at most 15 significant digits. */
const MAX_DIGITS = 1e15;
/** Below it `String()` switches to exponent form (1e-7). */
const SMALLEST_PLAIN = 1e-6;
const ZERO = 48;
const DOT = 46;
const HUNDRED_MILLION = 1e8;

/** "00" to "99", each as the two bytes of one little-endian 16-bit store. */
const DIGIT_PAIRS = Uint16Array.from(
  { length: 100 },
  (_, n) => (ZERO + Math.floor(n / 10)) | ((ZERO + (n % 10)) << 8),
);

/**
 * "0" to "999", each as one little-endian 32-bit store (the bytes past its length are
 * overwritten by what follows), and its length: the whole part of a latency in one step.
 */
const INTEGERS = new Uint32Array(1000);
const INTEGER_LENGTHS = new Uint8Array(1000);
/**
 * ".001" to ".999" without trailing zeros (".01", ".5"), by thousandths, each as one
 * little-endian 32-bit store (the bytes past its length are overwritten by what follows),
 * and its length: the fraction of a figure of up to three decimals, the usual, in one step.
 */
const FRACTIONS = new Uint32Array(1000);
const FRACTION_LENGTHS = new Uint8Array(1000);
/** `text` (ASCII, at most four characters) as one little-endian 32-bit word. */
function word(text: string): number {
  let bytes = 0;
  for (let j = 0; j < text.length; j++) bytes |= text.charCodeAt(j) << (8 * j);
  return bytes;
}
for (let n = 0; n < 1000; n++) {
  const integer = String(n);
  INTEGERS[n] = word(integer);
  INTEGER_LENGTHS[n] = integer.length;
  const fraction = `.${String(n).padStart(3, '0')}`.replace(/0+$/, '');
  FRACTIONS[n] = word(fraction);
  FRACTION_LENGTHS[n] = fraction.length;
}

/**
 * The most bytes `ShortestNumbers.write` touches from where it starts: the longest
 * `String()` of a double ("-0.0000012345678901234567"). The fast path touches at most 17
 * (a decimal has at most 15 digits, a dot and a leading zero; its stores of four bytes
 * past the end stay within that), sixteen at once when it repeats a whole part.
 */
export const NUMBER_ROOM = 25;

/**
 * Writes numbers as `String()` does. One per column: the decimal places of the last value
 * are tried first, so a column of like values costs one check a value.
 */
export class ShortestNumbers {
  /** The decimal places of the last value written by the fast path. */
  private lastDecimals = 0;
  /** The last whole part of at least 10^8 written (-Infinity: none yet)… */
  private lastLargeWhole = -Infinity;
  /** …its digits, four bytes a word (at most 15 digits)… */
  private readonly largeWholeWords = new Uint32Array(4);
  /** …and how many they are. */
  private largeWholeLength = 0;

  /**
   * Writes `String(value)` into `out` at `at` and returns its end; `out` has room for
   * `NUMBER_ROOM` bytes from `at`. Bytes past the end may be overwritten.
   */
  write(out: DataView, at: number, value: number): number {
    const d = this.lastDecimals;
    const p = POW10[d]!;
    const m = Math.round(value * p);
    // m / p < 10^15 then; NaN fails the check, and negative values the range.
    if (m < MAX_DIGITS && m / p === value && value >= SMALLEST_PLAIN) {
      return this.writeDecimal(out, at, value, m, d);
    }
    return this.writeOther(out, at, value);
  }

  /**
   * Writes `String(ms / 1000)` (a timestamp in ms as seconds), as `write` does. A whole
   * number of ms in the second last written (what most files' timestamps are, one row after
   * the other) is that second's digits again and its thousandths from a table, without the
   * divisions `write` makes: an integer n below 10^15 is exactly n × 10^-3 once divided by
   * 1000 (one correctly rounded division of exact values), a decimal of at most 15 digits,
   * so its shortest text is that decimal, trailing zeros dropped (see the file's comment).
   */
  writeMilliseconds(out: DataView, at: number, ms: number): number {
    // Fails for NaN, a fraction of a ms and before a second was written. The subtraction is
    // exact in range: both are at least 10^11 and less than 1000 apart. From 10^15 ms the
    // decimal has more digits than a double keeps, and the second's ms are no longer exact.
    const thousandths = ms - this.lastLargeWhole * 1000;
    if (
      ms < MAX_DIGITS &&
      thousandths >= 0 &&
      thousandths < 1000 &&
      (thousandths | 0) === thousandths
    ) {
      at = this.repeatLargeWhole(out, at);
      return thousandths === 0 ? at : writeThousandths(out, at, thousandths);
    }
    return this.write(out, at, ms / 1000);
  }

  /** `write` of a value with other decimal places than the last, or off the fast path. */
  private writeOther(out: DataView, at: number, value: number): number {
    if (value >= SMALLEST_PLAIN && value < MAX_DIGITS) {
      for (let d = 0; d <= MAX_DECIMALS; d++) {
        const p = POW10[d]!;
        const m = Math.round(value * p);
        if (m < MAX_DIGITS && m / p === value) {
          this.lastDecimals = d;
          return this.writeDecimal(out, at, value, m, d);
        }
      }
    } else if (value === 0) {
      // String(-0) is "0" too.
      out.setUint8(at, ZERO);
      return at + 1;
    }
    const text = String(value);
    for (let j = 0; j < text.length; j++) out.setUint8(at++, text.charCodeAt(j));
    return at;
  }

  /**
   * `value`, the decimal `m × 10^-d` (0 < m < 10^15, d ≤ 9, m / 10^d === value), with its
   * trailing zeros dropped.
   */
  private writeDecimal(out: DataView, at: number, value: number, m: number, d: number): number {
    const p = POW10[d]!;
    // The whole part ⌊m / p⌋ is ⌊value⌋: value is m / p correctly rounded, and that
    // rounding cannot reach the next integer (a fraction is at least 1/p from it, far
    // more than an ulp of m / p < 2^53). whole × p ≤ m is exact. No `%` on doubles: a slow
    // call in V8.
    let fraction: number;
    if (m < HUNDRED_MILLION) {
      // All int32: a latency (16.707 is m = 16707).
      const whole = value | 0;
      fraction = m - whole * p;
      at = writeSmall(out, at, whole);
    } else {
      const whole = Math.floor(value);
      fraction = (m - whole * p) | 0;
      at = this.writeWhole(out, at, whole);
    }
    if (fraction === 0) return at;
    if (d > 3) return writeFraction(out, at, fraction, d);
    return writeThousandths(out, at, fraction * POW10[3 - d]!);
  }

  /**
   * A whole part below 10^15; from 10^8 on (a timestamp in seconds), the last one's bytes
   * again when it is the same.
   */
  private writeWhole(out: DataView, at: number, whole: number): number {
    if (whole < HUNDRED_MILLION) return writeSmall(out, at, whole | 0);
    if (whole === this.lastLargeWhole) return this.repeatLargeWhole(out, at);
    // Two int32 parts: below 10^7, then the last eight digits.
    const high = Math.floor(whole / HUNDRED_MILLION);
    const end = writeFixed(out, writeSmall(out, at, high) + 8, whole - high * HUNDRED_MILLION, 8);
    const words = this.largeWholeWords;
    for (let k = 0; k < 4; k++) words[k] = out.getUint32(at + 4 * k, true);
    this.lastLargeWhole = whole;
    this.largeWholeLength = end - at;
    return end;
  }

  /** The last whole part of at least 10^8 written again; returns the end. */
  private repeatLargeWhole(out: DataView, at: number): number {
    const words = this.largeWholeWords;
    // Sixteen bytes: those past the digits are overwritten by what follows.
    out.setUint32(at, words[0]!, true);
    out.setUint32(at + 4, words[1]!, true);
    out.setUint32(at + 8, words[2]!, true);
    out.setUint32(at + 12, words[3]!, true);
    return at + this.largeWholeLength;
  }
}

/** A fraction of 1 to 999 thousandths as `.` and its digits, trailing zeros dropped (`FRACTIONS`). */
function writeThousandths(out: DataView, at: number, thousandths: number): number {
  out.setUint32(at, FRACTIONS[thousandths]!, true);
  return at + FRACTION_LENGTHS[thousandths]!;
}

/** A non-negative integer below 10^8, in decimal; returns the end. */
function writeSmall(out: DataView, at: number, n: number): number {
  if (n < 1000) {
    out.setUint32(at, INTEGERS[n]!, true);
    return at + INTEGER_LENGTHS[n]!;
  }
  const digits = n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
  return writeFixed(out, at + digits, n, digits);
}

/** `.` and the `d` (4 to 9) places of `fraction` (not 0), trailing zeros dropped. */
function writeFraction(out: DataView, at: number, fraction: number, d: number): number {
  out.setUint8(at, DOT);
  // The fraction as d digits, zeros in front, then its trailing zeros taken back: it is
  // not 0, so a digit other than 0 stops that before the dot.
  let end = writeFixed(out, at + 1 + d, fraction, d);
  while (out.getUint8(end - 1) === ZERO) end--;
  return end;
}

/** `n` (below 10^digits ≤ 10^9) as exactly `digits` digits, zeros in front, ending at `end`. */
function writeFixed(out: DataView, end: number, n: number, digits: number): number {
  let rest = n | 0;
  let i = end;
  for (let left = digits; left >= 2; left -= 2) {
    const next = (rest / 100) | 0;
    i -= 2;
    out.setUint16(i, DIGIT_PAIRS[rest - next * 100]!, true);
    rest = next;
  }
  if (i > end - digits) out.setUint8(i - 1, ZERO + rest);
  return end;
}
