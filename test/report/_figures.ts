import type { SummaryReport } from '../../src/model/index.js';
import {
  formatCount,
  formatMs,
  formatNumber,
  formatPercent,
  formatRps,
} from '../../src/report/html/_text.js';

/** The figures a page binds to summary.json keys: [key, shown text]. */
export function pageFigures(html: string): Array<[string, string]> {
  return [...html.matchAll(/<span data-figure="([^"]+)">([^<]*)<\/span>/g)].map((m) => [
    m[1]!,
    m[2]!.replace(/&amp;/g, '&'),
  ]);
}

/** How report.html formats a summary.json key's number; the test's own statement of the rules. */
export function expectedText(summary: SummaryReport, key: string): string {
  const value = key
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], summary) as number;
  if (key === 'test_duration_seconds') return `${formatNumber(value, 1)} seconds`;
  if (key.endsWith('_ms')) return formatMs(value);
  if (key.endsWith('_rate')) return formatPercent(value);
  if (key.endsWith('_rps')) return formatRps(value);
  if (key.endsWith('_requests') || key.endsWith('.count')) return formatCount(value);
  if (key.endsWith('.share')) return formatPercent(value);
  return formatNumber(value, 1);
}
