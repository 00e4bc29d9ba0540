import type { AlertsReport, AnalysisReport, ObjectiveResult } from '../../analysis/types.js';
import { escapeHtml, formatCount, formatNumber } from './_text.js';

function objectiveRow(o: ObjectiveResult): string {
  const status = o.passed ? '<span class="good">PASS</span>' : '<span class="bad">FAIL</span>';
  return `<tr><td>${status}</td><th scope="row"><code>${escapeHtml(o.objective)}</code></th><td>${escapeHtml(o.message)}</td></tr>`;
}

export function analysisSections(a: AnalysisReport): string {
  const parts = [
    `<section class="section" aria-labelledby="objectives-h"><h2 id="objectives-h">Objectives</h2>`,
    a.objectives.length
      ? `<div class="table-wrap"><table><thead><tr><th scope="col">Result</th><th scope="col">Objective</th><th scope="col">Measured</th></tr></thead><tbody>${a.objectives.map(objectiveRow).join('')}</tbody></table></div>`
      : '<p>No objectives were set.</p>',
    '</section>',
    `<section class="section" aria-labelledby="bottlenecks-h"><h2 id="bottlenecks-h">Bottlenecks</h2>`,
    a.bottlenecks.length
      ? `<div class="table-wrap"><table><thead><tr><th scope="col">Severity</th><th scope="col">Category</th><th scope="col">Description</th><th scope="col">Impact</th><th scope="col">Recommendation</th></tr></thead><tbody>${a.bottlenecks
          .map(
            (b) =>
              `<tr><td><strong>${escapeHtml(b.severity.toUpperCase())}</strong></td><td>${escapeHtml(b.category)}</td><td>${escapeHtml(b.description)}</td><td>${escapeHtml(b.impact)}</td><td>${escapeHtml(b.recommendation)}</td></tr>`,
          )
          .join('')}</tbody></table></div>`
      : '<p>No bottlenecks found.</p>',
    '</section>',
    `<section class="section" aria-labelledby="recs-h"><h2 id="recs-h">Recommendations</h2>`,
    a.recommendations.length
      ? `<ol>${a.recommendations
          .map(
            (rec) =>
              `<li><strong>${escapeHtml(rec.priority.toUpperCase())}</strong> · ${escapeHtml(rec.category)}: ${escapeHtml(rec.description)} <span class="note">(effort ${escapeHtml(rec.implementation_effort)}; expected impact: ${escapeHtml(rec.expected_impact)})</span></li>`,
          )
          .join('')}</ol>`
      : '<p>No recommendations.</p>',
    '</section>',
    riskSection(a),
    trendSection(a),
  ];
  return parts.join('\n');
}

function riskSection(a: AnalysisReport): string {
  const risk = a.risk_assessment;
  const items = (['critical', 'high', 'medium', 'low'] as const).flatMap((level) =>
    (risk.risk_breakdown[level] ?? []).map(
      (item) =>
        `<li><strong>${level.toUpperCase()}</strong> · ${escapeHtml(item.category)}: ${escapeHtml(item.description)} — ${escapeHtml(item.impact)}</li>`,
    ),
  );
  return `<section class="section" aria-labelledby="risk-h"><h2 id="risk-h">Risk</h2>
<p>Overall risk: <strong>${escapeHtml(risk.overall_risk.toUpperCase())}</strong>. ${escapeHtml(risk.recommendation)}</p>
${items.length ? `<ul>${items.join('')}</ul>` : ''}
</section>`;
}

function trendSection(a: AnalysisReport): string {
  const t = a.trend_analysis;
  if (!t || t.insufficient_data) {
    return `<section class="section" aria-labelledby="trend-h"><h2 id="trend-h">Trend</h2><p>${escapeHtml(t?.recommendation ?? 'Collect historical data for trend analysis')}</p></section>`;
  }
  const pi = t.prediction_interval;
  const changes = t.change_points ?? [];
  return `<section class="section" aria-labelledby="trend-h"><h2 id="trend-h">Trend</h2>
<p>${escapeHtml(t.recommendation ?? '')}</p>
<dl class="meta">
<dt>Metric</dt><dd>${escapeHtml(t.metric ?? '')}</dd>
<dt>Runs considered</dt><dd>${formatCount(t.runs_considered)}</dd>
${pi ? `<dt>Prediction interval (${formatNumber(pi.confidence * 100, 0)} %)</dt><dd>${formatNumber(pi.low, 2)} – ${formatNumber(pi.high, 2)}</dd>` : ''}
<dt>This run</dt><dd>${formatNumber(t.latest_value, 2)} (${escapeHtml(t.latest_position ?? '')})</dd>
</dl>
${changes.length ? `<h3>Change points</h3><ul>${changes.map((c) => `<li>run ${escapeHtml(c.run_id)}: mean ${formatNumber(c.before_mean, 2)} → ${formatNumber(c.after_mean, 2)} (p = ${escapeHtml(c.p_value.toPrecision(2))})</li>`).join('')}</ul>` : ''}
</section>`;
}

export function alertsSection(alerts: AlertsReport): string {
  return `<section class="section" aria-labelledby="alerts-h"><h2 id="alerts-h">Alerts</h2>
${
  alerts.alerts.length
    ? `<div class="table-wrap"><table><thead><tr><th scope="col">Level</th><th scope="col">Category</th><th scope="col">Message</th><th scope="col" class="num">Value</th><th scope="col" class="num">Threshold</th></tr></thead><tbody>${alerts.alerts
        .map(
          (al) =>
            `<tr><td><strong class="${al.level === 'CRITICAL' ? 'bad' : al.level === 'WARNING' ? 'warning' : ''}">${escapeHtml(al.level)}</strong></td><td>${escapeHtml(al.category)}</td><td>${escapeHtml(al.message)}</td><td class="num">${formatNumber(al.value, 4)}</td><td class="num">${formatNumber(al.threshold, 4)}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '<p>No alerts.</p>'
}
</section>`;
}
