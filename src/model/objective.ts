/**
 * The objectives grammar (`p95<100ms`, `success>=99%`, `throughput>=20rps`, `memory<100MB`…):
 * what a run must meet, what a threshold alert watches, and the rungs of every judgement
 * (bottlenecks, alerts, ratings, risk). Parsed once at start-up; a bottom-layer vocabulary
 * that analysis, reports and the monitor share.
 */
import { cut, quote, UsageError } from '../errors.js';

/** A comparison in the objectives grammar. */
export type Comparator = '<' | '<=' | '>' | '>=';

/** Metrics an objective can name (`p95<100ms`, `success>=99%`, `throughput>=20rps`…). */
export type ObjectiveMetric =
  | 'p50'
  | 'p90'
  | 'p95'
  | 'p99'
  | 'p999'
  | 'avg'
  | 'max'
  | 'success'
  | 'error_rate'
  | 'cache_hit'
  | 'fallback'
  | 'throughput'
  | 'cpu'
  | 'memory';

/** One parsed objective, e.g. `p95<100ms` → { metric: 'p95', comparator: '<', threshold: 100, unit: 'ms' }. */
export interface Objective {
  /** The text as the user wrote it, normalised (`p95<100ms`). */
  source: string;
  metric: ObjectiveMetric;
  comparator: Comparator;
  /** In the metric's base unit: ms, ratio (0–1), rps, % CPU, MB. */
  threshold: number;
  unit: 'ms' | 'ratio' | 'rps' | 'percent' | 'mb';
}

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

/** Each metric's unit and its name in messages ("P95 latency", "success rate"). */
const CANONICAL = {} as Record<ObjectiveMetric, { unit: Unit; label: string }>;
for (const known of Object.values(METRICS)) CANONICAL[known.metric] ??= known;

/** A metric's name in messages: "P95 latency", "success rate". */
export function metricLabel(metric: ObjectiveMetric): string {
  return CANONICAL[metric].label;
}

/**
 * Accepted units per kind, as [multiplier, divisor] to the base unit (ms, ratio, rps, %, MB).
 * Dividing, not multiplying by 0.01: `95%` must be the ratio 0.95 itself (95 × 0.01 is
 * 0.9500000000000001, and 19 successes of 20 would then fail `success>=95%`).
 */
const UNITS: Record<Unit, Record<string, readonly [number, number]>> = {
  ms: { '': [1, 1], ms: [1, 1], s: [1000, 1], us: [1, 1000], µs: [1, 1000] },
  ratio: { '': [1, 1], '%': [1, 100] },
  rps: { '': [1, 1], rps: [1, 1], '/s': [1, 1] },
  percent: { '': [1, 1], '%': [1, 1] },
  mb: { '': [1, 1], mb: [1, 1], gb: [1024, 1], kb: [1, 1024] },
};

const GRAMMAR =
  'expected <metric><op><value>, e.g. p95<100ms, p99<=200ms, avg<50ms, success>=99%, error_rate<1%, cache_hit>=80%, fallback<5%, throughput>=20rps, cpu<80%, memory<100MB';

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
  const scale = UNITS[known.unit][unit];
  if (scale === undefined) {
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
  const threshold = (Number(value) * scale[0]) / scale[1];
  if (known.unit === 'ratio' && threshold > 1) {
    throw new UsageError(`bad objective ${quote(text)}: a rate is at most 100%`);
  }
  return objectiveOf(known.metric, comparator, threshold);
}

export function parseObjectives(texts: readonly string[]): Objective[] {
  return texts.map(parseObjective);
}

/**
 * An objective from its parts, with the threshold in the metric's base unit: how tables
 * whose thresholds are figures (the seed's, or the user's `thresholds`) write their rungs
 * without a round trip through text. Its `source` is what `parseObjective` would give.
 */
export function objectiveOf(
  metric: ObjectiveMetric,
  comparator: Comparator,
  threshold: number,
): Objective {
  const { unit } = CANONICAL[metric];
  return {
    source: `${metric}${comparator}${formatThreshold(threshold, unit)}`,
    metric,
    comparator,
    threshold,
    unit,
  };
}

/** A threshold as the grammar writes it: `100ms`, `99%`, `20rps`, `80%`, `100MB`. */
export function formatThreshold(value: number, unit: Unit): string {
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
