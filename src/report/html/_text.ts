import { count, percent } from '../../model/format.js';
import { rate, type Rung } from '../../model/judge.js';
import { comparisonSymbol, formatThreshold } from '../../model/objective.js';
import { RATINGS, type Rating } from '../../model/thresholds.js';

/** Text from data, safe in HTML element content and in double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A figure bound to its summary.json key, so tests can hold the page to the JSON. */
export function figure(key: string, text: string): string {
  return `<span data-figure="${escapeHtml(key)}">${escapeHtml(text)}</span>`;
}

/**
 * JSON inside `<script type="application/json">`: `<`, `>`, `&` and the line separators are
 * escaped so no data can close the script element or start a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Milliseconds with the seed's two decimals ("12.34 ms"); "–" when missing. */
export function formatMs(value: number | null | undefined): string {
  return isFiniteNumber(value) ? `${value.toFixed(2)} ms` : '–';
}

/** A ratio (0–1) as a percentage with two decimals, as the seed's `:.2%`; "–" when missing. */
export function formatPercent(value: number | null | undefined): string {
  return isFiniteNumber(value) ? percent(value, { space: true }) : '–';
}

/** Requests per second with one decimal. */
export function formatRps(value: number | null | undefined): string {
  return isFiniteNumber(value) ? `${value.toFixed(1)} rps` : '–';
}

/** A count with thousands separators (en-US, whatever the machine's locale); "–" when missing. */
export function formatCount(value: number | null | undefined): string {
  return isFiniteNumber(value) ? count(value) : '–';
}

/** Bytes in decimal units, one decimal above 1 kB: `512 B`, `272.0 kB`, `1.3 GB`. */
export function formatBytes(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(scaled)} B` : `${scaled.toFixed(1)} ${units[unit]}`;
}

/**
 * An HTTP target's responses by status code, most frequent first (ties by code):
 * `200 × 1,800 · 503 × 200`.
 */
export function statusCodeList(statusCodes: Record<string, number>): Array<[string, number]> {
  return Object.entries(statusCodes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** A plain number with `digits` decimals. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  return isFiniteNumber(value) ? value.toFixed(digits) : '–';
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export type { Rating };

/** The seed's success-rate colouring: its `RATINGS.success` ladder, read by the one judge. */
export function rateSuccess(successRate: number): Rating {
  return rate(RATINGS.success, { success: successRate }, 'good');
}

/** The seed's P95 colouring: its `RATINGS.p95` ladder. */
export function rateP95(p95Ms: number): Rating {
  return rate(RATINGS.p95, { p95: p95Ms }, 'good');
}

/**
 * A rating ladder in words, from the ladder itself: "Success rate: good ≥ 99 %, warning
 * ≥ 95 %, bad below." — the page's legend cannot drift from the rule it explains.
 */
export function ratingLegend(label: string, ladder: readonly Rung<Rating>[]): string {
  const parts: string[] = [];
  let level: Rating = 'good';
  let upper = false;
  for (const { objective, level: broken } of [...ladder].reverse()) {
    const threshold = formatThreshold(objective.threshold, objective.unit).replace(
      /(ms|%)$/,
      ' $1',
    );
    parts.push(`${level} ${comparisonSymbol(objective.comparator)} ${threshold}`);
    upper = objective.comparator.startsWith('<');
    level = broken;
  }
  parts.push(`${level} ${upper ? 'above' : 'below'}`);
  return `${label}: ${parts.join(', ')}.`;
}

export const RATING_LABEL: Record<Rating, string> = {
  good: 'Good',
  warning: 'Warning',
  bad: 'Bad',
};
