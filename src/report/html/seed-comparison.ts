import type { SeedMetricChange, SeedPercentComparison } from '../seed-comparison.js';
import { renderPage } from './_page.js';
import { escapeHtml, formatNumber } from './_text.js';

type Column = 'improvement_percent' | 'regression_percent' | 'change_percent';

function value(m: SeedMetricChange, v: number): string {
  return m.unit === 'ratio' ? `${formatNumber(v * 100, 2)} %` : `${formatNumber(v, 2)} ${m.unit}`;
}

function percent(m: SeedMetricChange, column: Column): string {
  const p = m[column];
  if (p === null || p === undefined) return 'from 0';
  const sign = column === 'improvement_percent' ? '+' : column === 'regression_percent' ? '-' : '';
  return `${sign}${column === 'change_percent' && p >= 0 ? '+' : ''}${formatNumber(p, 1)} %`;
}

function section(
  title: string,
  metrics: Record<string, SeedMetricChange>,
  heading: string,
  column: Column,
  cls: string,
  empty: string,
): string {
  const entries = Object.entries(metrics);
  const body = entries.length
    ? `<div class="table-wrap"><table><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Baseline</th><th scope="col" class="num">Current</th><th scope="col" class="num">${heading}</th></tr></thead><tbody>${entries
        .map(
          ([name, m]) =>
            `<tr><th scope="row">${escapeHtml(name)}</th><td class="num">${escapeHtml(value(m, m.baseline))}</td><td class="num">${escapeHtml(value(m, m.current))}</td><td class="num ${cls}">${escapeHtml(percent(m, column))}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : `<p>${escapeHtml(empty)}</p>`;
  return `<section class="section"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/**
 * The seed's comparison page for a comparison of summary reports (`method: 'seed_percent'`):
 * its three sections, every value escaped, and the note on what the method cannot say. Pure.
 */
export function renderSeedComparisonHtml(c: SeedPercentComparison): string {
  const body = [
    `<header class="header"><h1>Performance Comparison Report</h1>
<h2>${escapeHtml(c.baseline_test)} vs ${escapeHtml(c.current_test)}</h2>
<p>Generated: ${escapeHtml(c.generated_at)}</p>
<p class="note">${escapeHtml(c.note)}</p></header>`,
    section(
      'Improvements',
      c.improvements,
      'Improvement',
      'improvement_percent',
      'improvement',
      'No improvements detected.',
    ),
    section(
      'Regressions',
      c.regressions,
      'Regression',
      'regression_percent',
      'regression',
      'No regressions detected.',
    ),
    section(
      'Unchanged Metrics',
      c.unchanged,
      'Change',
      'change_percent',
      'unchanged',
      'No unchanged metrics.',
    ),
    c.not_compared.length
      ? `<p class="note">Not compared (missing from a report): ${escapeHtml(c.not_compared.join(', '))}</p>`
      : '',
  ];
  return renderPage('Performance Comparison Report', body.join('\n'), []);
}
