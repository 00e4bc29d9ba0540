import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../_helpers.js';
import { runTypeScript, typecheckStrict } from './_as-a-user.js';

/**
 * The design's example 4.1 (examples/feature_extraction_analysis.ts: the seed's classes and
 * methods, in TypeScript) run as a user runs it: against the built package (`perfsight`,
 * which resolves to dist/index.js), from a folder of their own.
 */
const EXAMPLE = join(ROOT, 'examples', 'feature_extraction_analysis.ts');

describe('the seed’s example 4.1, in TypeScript, against the package', () => {
  it('typechecks against the package’s declarations (strict)', () => {
    const result = typecheckStrict([EXAMPLE], ROOT);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('runs unchanged and prints the seed’s summary; its files are written', () => {
    const cwd = tempDir('perfsight-seed-example-');
    const result = runTypeScript(EXAMPLE, cwd);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Running feature extraction performance analysis\.\.\.$/m);
    expect(out).toMatch(/^Progress: 100\/100 samples processed$/m);
    expect(out).toMatch(/^={60}\nFEATURE EXTRACTION PERFORMANCE ANALYSIS\n={60}$/m);
    expect(out).toMatch(/^Total Samples: 100$/m);
    expect(out).toMatch(/^Success Rate: \d+\.\d\d%$/m);
    expect(out).toMatch(/^Throughput: \d+\.\d RPS$/m);
    for (const name of ['Average', 'P95', 'P99']) {
      expect(out).toMatch(new RegExp(`^${name} Latency: \\d+\\.\\d\\dms$`, 'm'));
    }
    expect(out).toMatch(
      /^(✅ P95 Latency requirement met: .* < 100ms|❌ P95 Latency requirement not met: .* ≥ 100ms)$/m,
    );
    expect(out).toMatch(/^(✅ No performance alerts detected|ALERTS DETECTED:)$/m);
    const summary = JSON.parse(readFileSync(join(cwd, 'feature_extraction_summary.json'), 'utf8'));
    expect(summary.test_name).toBe('Feature Extraction Performance Analysis');
    expect(summary.performance_summary.total_requests).toBe(100);
    // The same input every call: the model answered it once, the cache the rest (a model
    // answer late on a busy machine goes uncached, so the next call asks the model again).
    const o = summary.optimization_metrics;
    expect(o.cache_hits + o.cache_misses).toBe(100);
    expect(o.cache_hits).toBeGreaterThanOrEqual(90);
    const p95 = /^P95 Latency: (\d+\.\d\d)ms$/m.exec(out)![1];
    expect(summary.latency_metrics.p95_ms.toFixed(2)).toBe(p95);
    expect(readFileSync(join(cwd, 'feature_extraction_summary.csv'), 'utf8')).toMatch(/Latency/);
    const html = readFileSync(join(cwd, 'feature_extraction_report.html'), 'utf8');
    expect(html).toContain('Feature Extraction Performance Analysis');
    expect(html).toContain('Made from a summary report');
  }, 120_000);
});
