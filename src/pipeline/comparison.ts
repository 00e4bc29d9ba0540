import { compareRuns, type CompareOptions, type ComparableRun } from '../analysis/index.js';
import type { ComparisonReport } from '../analysis/types.js';
import {
  json,
  renderComparisonHtml,
  renderComparisonMarkdown,
  type ReportFile,
} from '../report/index.js';

/**
 * The comparison of two runs and the files it makes (comparison.json, .md, .html): what
 * `compare` writes, and what `run --baseline` adds to the run's folder. Pure.
 */
export function comparisonFiles(
  baseline: ComparableRun,
  current: ComparableRun,
  options: CompareOptions = {},
): { report: ComparisonReport; files: ReportFile[] } {
  const report = compareRuns(baseline, current, options);
  const files: ReportFile[] = [
    { name: 'comparison.json', render: () => json(report) },
    { name: 'comparison.md', render: () => renderComparisonMarkdown(report) },
    {
      name: 'comparison.html',
      render: () =>
        renderComparisonHtml({
          comparison: report,
          baseline: baseline.report,
          current: current.report,
        }),
    },
  ];
  return { report, files };
}
