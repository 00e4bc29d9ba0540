/**
 * Objectives (SLOs): a small grammar parsed once at start-up (`p95<100ms`, `success>=99%`,
 * `throughput>=20rps`, `memory<100MB`…), then checked against a run's summary.
 */
import { cut, quote, UsageError } from '../errors.js';
import type { SummaryReport } from '../model/index.js';
import type { Comparator, Objective, ObjectiveMetric, ObjectiveResult } from './types.js';

type Unit = Objective['unit'];

/** Names users may write, the metric they mean and its unit. */
const METRICS: Record<string, { metric: ObjectiveMetric; unit: Unit; label: string }> = {
  p50: { metric: 'p50', unit: 'ms', label: 'P50 latency' },
  median: { metric: 'p50', unit: 'ms', label: 'P50 latency' },
  p90: { metric: 'p90', unit: 'ms', label: 'P90 latency' },
  p95: { metric: 'p95', unit: 'ms', label: 'P95 latency' },
  p99: { metric: 'p99', unit: 'ms', label: 'P99 latency' },
  p999: { metric: 'p999', unit: 'ms', label: 'P99.9 latency' },
  'p99.9': { metric: 'p999', unit: 'ms', label: 'P99.9 latency' },
  avg: { metric: 'avg', unit: 'ms', label: 'average latency' },
  mean: { metric: 'avg', unit: 'ms', label: 'average latency' },
  max: { metric: 'max', unit: 'ms', label: 'max latency' },
  success: { metric: 'success', unit: 'ratio', label: 'success rate' },
  success_rate: { metric: 'success', unit: 'ratio', label: 'success rate' },
  error_rate: { metric: 'error_rate', unit: 'ratio', label: 'error rate' },
  errors: { metric: 'error_rate', unit: 'ratio', label: 'error rate' },
  cache_hit: { metric: 'cache_hit', unit: 'ratio', label: 'cache hit rate' },
  cache_hit_rate: { metric: 'cache_hit', unit: 'ratio', label: 'cache hit rate' },
  fallback: { metric: 'fallback', unit: 'ratio', label: 'fallback rate' },
  fallback_rate: { metric: 'fallback', unit: 'ratio', label: 'fallback rate' },
  throughput: { metric: 'throughput', unit: 'rps', label: 'throughput' },
  rps: { metric: 'throughput', unit: 'rps', label: 'throughput' },
  cpu: { metric: 'cpu', unit: 'percent', label: 'average CPU' },
  memory: { metric: 'memory', unit: 'mb', label: 'max memory' },
};

const LABELS = Object.fromEntries(
  Object.values(METRICS).map(({ metric, label }) => [metric, label]),
) as Record<ObjectiveMetric, string>;

/** Accepted units per kind, and the factor to the base unit (ms, ratio, rps, %, MB). */
const UNITS: Record<Unit, Record<string, number>> = {
  ms: { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001 },
  ratio: { '': 1, '%': 0.01 },
  rps: { '': 1, rps: 1, '/s': 1 },
  percent: { '': 1, '%': 1 },
  mb: { '': 1, mb: 1, gb: 1024, kb: 1 / 1024 },
};

const GRAMMAR =
  'expected <metric><op><value>, e.g. p95<100ms, p99<=200ms, avg<50ms, success>=99%, error_rate<1%, cache_hit>=80%, fallback<5%, throughput>=20rps, cpu<80%, memory<100MB';

/**
 * The most of a run's calls the fallback may answer before the verdict fails: the seed's
 * requirement is about the model's latency, and a fallback's answers say nothing about it.
 */
export const FALLBACK_OBJECTIVE = 'fallback<1%';

/**
 * The objectives a run is held to when none are given: the seed's compliance check, and
 * the model answered (nearly) every call.
 */
export const DEFAULT_OBJECTIVES: readonly string[] = [
  'p95<100ms',
  'success>=99%',
  FALLBACK_OBJECTIVE,
];

/**
 * Objectives a run is held to: `objectives`, plus the fallback objective unless they name
 * their own. A run can never pass on answers the model did not give by leaving it out;
 * accepting a fallback takes saying so (`fallback<=100%`).
 */
export function withFallbackObjective(objectives: readonly Objective[]): Objective[] {
  if (objectives.some((o) => o.metric === 'fallback')) return [...objectives];
  return [...objectives, parseObjective(FALLBACK_OBJECTIVE)];
}

/** Parses one objective; a mistake is a UsageError naming the objective and the grammar. */
export function parseObjective(text: string): Objective {
  // `≥`/`≤` are accepted as the messages write them (copied from a report back into --slo).
  const match =
    /^\s*([a-z_0-9.]+)\s*(<=|>=|≤|≥|<|>)\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ%/]*)\s*$/i.exec(text);
  if (!match) throw new UsageError(`bad objective ${quote(text)}: ${GRAMMAR}`);
  const [, name, written, value, rawUnit] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const comparator = ({ '≤': '<=', '≥': '>=' }[written] ?? written) as Comparator;
  const known = METRICS[name.toLowerCase()];
  if (!known) {
    throw new UsageError(
      `bad objective ${quote(text)}: unknown metric ${quote(name)} (known: ${Object.keys(METRICS).join(', ')})`,
    );
  }
  const unit = rawUnit.toLowerCase();
  const factor = UNITS[known.unit][unit];
  if (factor === undefined) {
    const allowed = Object.keys(UNITS[known.unit]).filter(Boolean).join(', ');
    throw new UsageError(
      `bad objective ${quote(text)}: ${cut(name)} takes ${allowed || 'no unit'}, not ${quote(rawUnit)}`,
    );
  }
  // A bare number for a rate is a ratio. One above 1 is ambiguous (is `1.5` 1.5 % or a
  // mistyped 0.15?): refused rather than guessed; a percentage says so with `%`.
  if (known.unit === 'ratio' && unit === '' && Number(value) > 1) {
    throw new UsageError(
      `bad objective "${text}": ${name} is a ratio from 0 to 1 (e.g. 0.99) or a percentage with % (e.g. 99%), not ${value}`,
    );
  }
  const threshold = Number(value) * factor;
  if (known.unit === 'ratio' && threshold > 1) {
    throw new UsageError(`bad objective ${quote(text)}: a rate is at most 100%`);
  }
  return {
    source: `${known.metric}${comparator}${formatThreshold(threshold, known.unit)}`,
    metric: known.metric,
    comparator,
    threshold,
    unit: known.unit,
  };
}

export function parseObjectives(texts: readonly string[]): Objective[] {
  return texts.map(parseObjective);
}

function formatThreshold(value: number, unit: Unit): string {
  const n = (v: number) => String(Number(v.toPrecision(6)));
  switch (unit) {
    case 'ms':
      return `${n(value)}ms`;
    case 'ratio':
      return `${n(value * 100)}%`;
    case 'rps':
      return `${n(value)}rps`;
    case 'percent':
      return `${n(value)}%`;
    case 'mb':
      return `${n(value)}MB`;
  }
}

/** The run's figure for a metric, in the objective's base unit; null when it has none. */
export function actualValue(summary: SummaryReport, metric: ObjectiveMetric): number | null {
  const latency = summary.latency_metrics;
  const perf = summary.performance_summary;
  const hasLatency = perf.successful_requests > 0;
  const optimization = summary.optimization_metrics;
  switch (metric) {
    case 'p50':
      return hasLatency ? latency.median_ms : null;
    case 'p90':
      return hasLatency ? latency.p90_ms : null;
    case 'p95':
      return hasLatency ? latency.p95_ms : null;
    case 'p99':
      return hasLatency ? latency.p99_ms : null;
    case 'p999':
      return hasLatency ? latency.p999_ms : null;
    case 'avg':
      return hasLatency ? latency.average_ms : null;
    case 'max':
      return hasLatency ? latency.max_ms : null;
    case 'success':
      return perf.total_requests > 0 ? perf.success_rate : null;
    case 'error_rate':
      return perf.total_requests > 0 ? perf.error_rate : null;
    case 'cache_hit':
      // A workload that never reports cache use cannot meet a cache objective.
      return optimization.cache_hits + optimization.cache_misses > 0
        ? optimization.cache_hit_rate
        : null;
    case 'fallback':
      return perf.total_requests > 0 ? optimization.fallback_usage_rate : null;
    case 'throughput':
      return perf.throughput_rps;
    case 'cpu':
      return summary.resource_metrics?.avg_cpu_percent ?? null;
    case 'memory':
      return summary.resource_metrics?.max_memory_mb ?? null;
  }
}

/** Whether `actual` meets the objective's comparison. */
export function holds(actual: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
  }
}

/** Checks each objective against the run. An objective the run has no figure for fails. */
export function checkObjectives(
  summary: SummaryReport,
  objectives: readonly Objective[],
): ObjectiveResult[] {
  return objectives.map((objective) => {
    const actual = actualValue(summary, objective.metric);
    return objectiveResult(objective, actual, (passed) => {
      const label = LABELS[objective.metric];
      const threshold = formatThreshold(objective.threshold, objective.unit);
      if (
        objective.metric === 'fallback' &&
        actual !== null &&
        !passed &&
        objective.comparator.startsWith('<')
      ) {
        return fallbackMessage(summary, actual, objective);
      }
      return actual === null
        ? `${label}: not measured in this run, so "${objective.source}" cannot be checked`
        : `${label} ${formatActual(actual, objective.unit)} ${heldSymbol(objective.comparator, passed)} ${threshold}`;
    });
  });
}

/**
 * An objective judged on a figure (null: the figure is missing, which fails). Shared by the
 * run's analysis and the monitor's windows; each words the message its own way.
 */
export function objectiveResult(
  objective: Objective,
  actual: number | null,
  message: (passed: boolean) => string,
): ObjectiveResult {
  const passed = actual !== null && holds(actual, objective.comparator, objective.threshold);
  return {
    objective: objective.source,
    metric: objective.metric,
    comparator: objective.comparator,
    threshold: objective.threshold,
    unit: objective.unit,
    actual,
    passed,
    message: message(passed),
  };
}

/**
 * Why a run the fallback answered too often fails, in the user's terms: the latency figures
 * are not the model's.
 */
function fallbackMessage(summary: SummaryReport, actual: number, objective: Objective): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const total = summary.performance_summary.total_requests;
  const fallback = summary.optimization_metrics.fallback_uses;
  const limit = formatThreshold(objective.threshold, 'ratio').replace('%', ' %');
  const model = summary.latency_by_source?.model.count;
  const modelAnswered =
    model === undefined
      ? ''
      : model === 0
        ? ' (it answered none)'
        : ` (its own: latency_by_source.model, ${count(model)} calls)`;
  return `the fallback answered ${(actual * 100).toFixed(1)} % of calls (${count(fallback)} of ${count(total)}, limit ${limit}): the model did not answer them, so the latency figures are not the model’s${modelAnswered}`;
}

/** A measured figure, with the precision the console summary uses. */
function formatActual(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(2)}ms`;
    case 'ratio':
      return `${(value * 100).toFixed(2)}%`;
    case 'rps':
      return `${value.toFixed(1)}rps`;
    case 'percent':
      return `${value.toFixed(1)}%`;
    case 'mb':
      return `${value.toFixed(1)}MB`;
  }
}

function negate(comparator: Comparator): Comparator {
  return ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const)[comparator];
}

/**
 * The comparison that is true of a figure against its threshold: the objective's own when it
 * held, its negation when it failed — "P95 120ms ≥ 100ms", never a failed "3.33% < 1%".
 */
export function heldSymbol(comparator: Comparator, passed: boolean): string {
  return comparisonSymbol(passed ? comparator : negate(comparator));
}

/**
 * A comparison as human text writes it — `<`, `≤`, `>`, `≥` — in every message and summary;
 * `>=` and `<=` are the objectives grammar's, for typing (which accepts both forms).
 */
export function comparisonSymbol(comparator: Comparator): string {
  return { '<': '<', '<=': '≤', '>': '>', '>=': '≥' }[comparator];
}
