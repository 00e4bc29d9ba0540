import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../_helpers.js';
import { runTypeScript, typecheckStrict } from './_as-a-user.js';

/**
 * The README's Library section is the library's manual: each of its TypeScript examples is
 * typechecked and run here against the built package, so none of them can drift from it.
 */
function libraryExamples(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Library\n'),
    readme.indexOf('\n## Statistics\n'),
  );
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** As a user's project would see it: `perfsight` is the package's built entry points. */
function asUserCode(code: string): string {
  return code
    .replaceAll(
      "'perfsight/feature-extraction'",
      JSON.stringify(join(ROOT, 'dist/workloads/feature-extraction/index.js')),
    )
    .replaceAll("'perfsight'", JSON.stringify(join(ROOT, 'dist/index.js')));
}

describe('README: the Library section’s examples', () => {
  const examples = libraryExamples();
  const dir = tempDir('perfsight-readme-library-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const files = examples.map((code, i) => {
    const file = join(dir, `example-${i + 1}.ts`);
    writeFileSync(file, asUserCode(code));
    return file;
  });

  it('shows every class of the design, each in an example', () => {
    const all = examples.join('\n');
    for (const name of [
      'MetricsCollector',
      'ReportGenerator',
      'HTMLReportGenerator',
      'PerformanceAnalyzer',
      'PerformanceAlerting',
      'RealTimeDashboard',
      'ContinuousPerformanceMonitor',
      'FeatureExtractorFactory',
      'FeatureExtractionConfig',
    ]) {
      expect(all).toContain(name);
    }
  });

  it('typechecks (strict) against the package’s declarations', () => {
    const result = typecheckStrict(files, dir);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);

  it('each runs to its end, printing what it says', () => {
    for (const [i, file] of files.entries()) {
      const result = runTypeScript(file, dir);
      expect(result.status, `example ${i + 1}: ${result.stderr}`).toBe(0);
      expect(result.stdout.trim(), `example ${i + 1} printed nothing`).not.toBe('');
    }
    for (const written of [
      'my-test-summary.json',
      'my-test-summary.csv',
      'report.html',
      'comparison.html',
      'dashboard.json',
      // runPipeline's folder: the files `perfsight run` writes.
      'parse-reports/analysis.json',
      'parse-reports/junit.xml',
      'parse-reports/samples.csv.gz',
    ]) {
      expect(existsSync(join(dir, written)), written).toBe(true);
    }
  }, 300_000);
});
