/**
 * How figures are written in text, shared by every report, message and dashboard so a rate
 * reads the same everywhere.
 */

/**
 * A ratio (0–1) as a percentage, the seed's `:.2%` ("97.50%") by default. `space` puts a
 * space before the sign (HTML and prose, "97.50 %"); `digits` sets the decimals.
 */
export function percent(ratio: number, options: { digits?: number; space?: boolean } = {}): string {
  return `${(ratio * 100).toFixed(options.digits ?? 2)}${options.space ? ' %' : '%'}`;
}

/**
 * A count with thousands separators as en-US writes them ("1,234,567"), whatever the
 * machine's locale. The commas are put in here: `toLocaleString` sets up ICU's number
 * formatting on its first call, ~15 ms of a report's main thread (cpu-prof of `perfsight
 * report`), for a handful of counts. Never "-0".
 */
export function count(value: number): string {
  const rounded = Math.round(value) || 0;
  // Past 2^53 a double is not a count anyone reads digit by digit; ICU writes it in full.
  if (!(Math.abs(rounded) <= Number.MAX_SAFE_INTEGER)) return rounded.toLocaleString('en-US');
  return String(rounded).replace(/\B(?=(\d{3})+$)/g, ',');
}
