/**
 * Analysis: objectives (SLOs), the seed's analyzer and alerting, and trends. Pure functions
 * from a run's report model to analysis.json / alerts.json.
 */
export * from './types.js';
export {
  DEFAULT_OBJECTIVES,
  FALLBACK_OBJECTIVE,
  withFallbackObjective,
  parseObjective,
  parseObjectives,
  checkObjectives,
  actualValue,
} from './objectives.js';
export {
  PerformanceAnalyzer,
  analyzeRun,
  identifyBottlenecks,
  bottlenecksOf,
  generateRecommendations,
  assessRisks,
  checkCompliance,
  DEFAULT_ANALYZER_THRESHOLDS,
} from './analyzer.js';
export type { AnalyzerThresholds, AnalyzeOptions, AnalysisSource, RunFigures } from './analyzer.js';
export { topOperator, topOperatorAdvice, withTopOperator } from './model-profile.js';
export {
  PerformanceAlerting,
  evaluateAlerts,
  buildAlertsReport,
  DEFAULT_ALERT_THRESHOLDS,
} from './alerting.js';
export type { AlertThresholds } from './alerting.js';
export { policyOf, parseConfig, configSchema, configJsonSchema, CONFIG_FILE } from './config.js';
export type { RunPolicy, Config } from './config.js';
export {
  analyzeTrend,
  changePoints,
  predictionInterval,
  TREND_MAX_RUNS,
  TREND_MIN_RUNS,
} from './trend.js';
export type { TrendPoint, TrendOptions } from './trend.js';
export {
  compareRuns,
  comparableRunOf,
  mannWhitneyU,
  hodgesLehmannLogRatio,
  bootstrapRatioCI,
  newcombeDifferenceCI,
  wilsonInterval,
} from './compare/index.js';
export type { CompareOptions, ComparableRun, MannWhitneyResult } from './compare/index.js';
