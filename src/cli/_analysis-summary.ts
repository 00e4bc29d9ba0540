import { terminalText } from '../neutralise/index.js';
import type { AlertsReport, AnalysisReport, ObjectiveResult } from '../analysis/index.js';
import { comparisonSymbol } from '../model/objective.js';

/**
 * What the analysis adds to the seed's end-of-run summary: each objective with ✅/❌ and a
 * word (colour is never the only signal), then bottlenecks, risk and alerts. Pure.
 */
export function renderAnalysisSummary(analysis: AnalysisReport, alerts: AlertsReport): string {
  const lines = ['Objectives:'];
  for (const result of analysis.objectives) {
    lines.push(
      `  ${result.passed ? '✅ PASS' : '❌ FAIL'}  ${humanObjective(result).padEnd(18)} ${result.message}`,
    );
  }
  if (analysis.bottlenecks.length > 0) {
    lines.push('Bottlenecks:');
    for (const b of analysis.bottlenecks) lines.push(`  [${b.severity}] ${b.description}`);
  }
  const risk = analysis.risk_assessment;
  lines.push(`Risk: ${risk.overall_risk.toUpperCase()} — ${risk.recommendation}`);
  for (const alert of alerts.alerts) lines.push(`Alert ${alert.level}: ${alert.message}`);
  // Messages quote data (objective sources, error types): neutralised for the terminal.
  return terminalText(lines.join('\n') + '\n');
}

/** `success>=99%` as human text writes it, `success≥99%` (one style for comparisons; --slo takes both). */
function humanObjective(result: ObjectiveResult): string {
  return result.objective.replace(result.comparator, comparisonSymbol(result.comparator));
}
