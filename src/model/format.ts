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
