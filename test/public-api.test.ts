import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as perfsight from '../src/index.js';
import { ROOT } from './_helpers.js';

/**
 * The library's face is named one by one in src/index.ts: the design's classes and the
 * functions around them, nothing of the folders' insides. A name added here is a promise
 * to users (README, schema version): this list changes only on purpose.
 */
const PUBLIC = [
  // The design's names (DESIGN.md "Public contract").
  'MetricsCollector',
  'ReportGenerator',
  'HTMLReportGenerator',
  'PerformanceAnalyzer',
  'PerformanceAlerting',
  'RealTimeDashboard',
  'ContinuousPerformanceMonitor',
  // Measure.
  'runWorkload',
  'driveLoad',
  'createWorkload',
  'syntheticWorkload',
  'httpWorkload',
  // Where an inference's time goes, for a workload's own profile(): ONNX Runtime's profiler.
  'profileOnnx',
  'readSamplesFile',
  // Every file `perfsight run` writes, in one call.
  'runPipeline',
  'comparisonFiles',
  'writeReportFolder',
  'SCHEMA_VERSION',
  // Objectives, analysis, comparison.
  'loadPolicy',
  'DEFAULT_OBJECTIVES',
  'parseObjective',
  'parseObjectives',
  'checkObjectives',
  'analyzeRun',
  'evaluateAlerts',
  'buildAlertsReport',
  'compareRuns',
  'loadRunForComparison',
  // History.
  'openHistory',
  'DEFAULT_HISTORY_PATH',
  'TREND_METRICS',
  'trendFromStore',
  'buildHistoryRecord',
  // Monitoring.
  'parseAlertRule',
  'parseSloRules',
  'ConsoleAlertSink',
  'JsonLinesSink',
  'MemorySink',
  'WebhookSink',
  'WebDashboard',
  'createMetricsRegistry',
  // Environment and errors.
  'describeEnvironment',
  'PERFSIGHT_VERSION',
  'PerfsightError',
  'UsageError',
  'InputError',
];

describe('the public API', () => {
  it('names exactly what it exports: the design’s classes and the functions around them', () => {
    expect(Object.keys(perfsight).sort()).toEqual([...PUBLIC].sort());
  });

  it('exports nothing internal: no `_` names, no folder insides', () => {
    for (const name of Object.keys(perfsight)) expect(name).not.toMatch(/^_/);
    const index = readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*/);
    expect(index).not.toMatch(/from '\.\/[^']*\/_/);
  });

  it('the built package’s entry points load: perfsight and perfsight/feature-extraction', () => {
    // As a user's project imports them, through package.json's "exports".
    const script = `
      const main = await import('perfsight');
      const fe = await import('perfsight/feature-extraction');
      console.log(JSON.stringify([Object.keys(main).length, typeof fe.FeatureExtractorFactory, typeof fe.FeatureExtractionConfig, typeof fe.featureExtractionWorkload]));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([PUBLIC.length, 'object', 'function', 'function']);
  }, 120_000);
});
