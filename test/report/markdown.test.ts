import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analysis/index.js';
import {
  renderComparisonMarkdown,
  renderJunitXml,
  renderReportMarkdown,
} from '../../src/report/index.js';
import { lognormal, runOf } from '../analysis/_summary.js';
import { XSS, fixtureReports } from './_fixture.js';

describe('report.md', () => {
  const reports = fixtureReports();

  it('matches its snapshot (verdict first, then the table)', async () => {
    const md = renderReportMarkdown(reports.summary, reports.analysis, reports.alerts);
    await expect(md).toMatchFileSnapshot('__snapshots__/report.md.txt');
    expect(md.split('\n')[0]).toMatch(/^## perfsight: ❌ FAIL/);
  });

  it('never lets data break the table or inject HTML', () => {
    const md = renderReportMarkdown(reports.summary, reports.analysis, reports.alerts);
    expect(md).not.toContain(XSS);
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) {
      const cells = line.replace(/\\\|/g, '').split('|').length;
      expect(cells, line).toBeGreaterThanOrEqual(3);
    }
  });

  it('has no verdict line without analysis', () => {
    const md = renderReportMarkdown(reports.summary);
    expect(md).not.toMatch(/PASS|FAIL/);
    expect(md).toContain('| P95 latency |');
  });
});

describe('comparison.md', () => {
  // A real comparison: p95 twice as slow, 6 % more errors, figures from compareRuns.
  const comparison = compareRuns(
    runOf(`fast ${XSS}`, lognormal(1, 400, 2), 4),
    runOf('slow | build', lognormal(2, 400, 4), 28),
    { now: new Date(Date.UTC(2026, 0, 1)) },
  );
  const md = renderComparisonMarkdown(comparison);

  it('matches its snapshot (verdict first, then the table)', async () => {
    await expect(md).toMatchFileSnapshot('__snapshots__/comparison.md.txt');
    expect(md.split('\n')[0]).toBe('## perfsight comparison: ❌ regressed');
    expect(md).toMatch(
      /\| P95 latency \| [\d.]+ ms \| [\d.]+ ms \| ×[\d.]+ \| ×[\d.]+ – ×[\d.]+ \|/,
    );
    expect(md).toMatch(/\| Error rate \| .* \| \+[\d.]+ pt \| .* \| ❌ regressed \|/);
  });

  it('never lets test names break the text or inject HTML', () => {
    expect(md).not.toContain(XSS);
    expect(md).toContain('slow \\| build');
  });
});

describe('junit.xml', () => {
  const reports = fixtureReports();
  const xml = renderJunitXml(reports.summary, reports.analysis);

  it('has one test case per objective and a failure for each failed one', () => {
    const cases = [...xml.matchAll(/<testcase [^>]*name="([^"]*)"/g)].map((m) => m[1]);
    expect(cases).toEqual(
      reports.analysis.objectives.map((o) =>
        o.objective.replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      ),
    );
    const failed = reports.analysis.objectives.filter((o) => !o.passed).length;
    expect(failed).toBeGreaterThan(0);
    expect(xml.match(/<failure /g)?.length).toBe(failed);
    expect(xml).toContain(`failures="${failed}"`);
    expect(xml).not.toContain(XSS);
  });

  it('is well-formed: every element closes, attributes are quoted and escaped', () => {
    const stack: string[] = [];
    const body = xml.replace(/^<\?xml[^>]*\?>/, '');
    for (const m of body.matchAll(
      /<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g,
    )) {
      expect(m[2], `stray markup at ${m.index}`).toBeDefined();
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else if (!m[4]) stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });

  it('says the run completed when there are no objectives', () => {
    const plain = renderJunitXml(reports.summary);
    expect(plain).toContain('name="run completed"');
    expect(plain).toContain('failures="0"');
  });
});
