import { quote, UsageError } from '../errors.js';
import { formatDuration, parseDurationMs } from '../load/index.js';
import { alertTable } from '../analysis/judgements.js';
import type { AlertLevel } from '../analysis/types.js';
import { parseObjective, type Objective } from '../model/objective.js';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../model/thresholds.js';
import { errorBudget } from './_objective.js';

/**
 * Alert rules. Two kinds:
 * - `threshold`: an objective checked over a rolling window (`p95<100ms over 1m`); it alerts
 *   while the objective is broken.
 * - `burn_rate`: an SLO's error budget burning too fast over a long *and* a short window
 *   (the SRE workbook's multi-window rules); `sloBurnRateRules` makes the three standard ones.
 * Both fire only after holding `for`, keep firing `keep_firing_for` after they stop holding,
 * and ignore windows with fewer than `min_events` requests.
 */
interface RuleBase {
  /** Unique name, also the alert's name: `p95<100ms over 1m`, `success>=99.9% burn 1h/5m`. */
  name: string;
  severity: AlertLevel;
  objective: Objective;
  forMs: number;
  keepFiringForMs: number;
  /** A window with fewer requests says nothing: the rule does not hold on it. */
  minEvents: number;
  /** Collectors the rule applies to; undefined: every collector. */
  collector?: string;
  /**
   * One of the seed's alert thresholds (`seedAlertRules`): it alerts, but is not an
   * objective the periodic analysis checks (an INFO-level breach is no failed objective).
   */
  alertThreshold?: boolean;
}

export interface ThresholdRule extends RuleBase {
  kind: 'threshold';
  windowMs: number;
}

export interface BurnRateRule extends RuleBase {
  kind: 'burn_rate';
  longWindowMs: number;
  shortWindowMs: number;
  /** Fires when both windows burn the budget at least this many times too fast. */
  factor: number;
  /** Share of events allowed to be bad (0.001 for 99.9 %). */
  budget: number;
  /** Latency SLOs: a request slower than this is bad (as is a failed one). */
  latencyMs?: number;
}

export type AlertRule = ThresholdRule | BurnRateRule;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The SRE workbook's windows: page at 14.4× (1 h & 5 m) and 6× (6 h & 30 m), ticket at 1×. */
export const BURN_RATE_WINDOWS = [
  { longWindowMs: HOUR, shortWindowMs: 5 * MINUTE, factor: 14.4, severity: 'CRITICAL' },
  { longWindowMs: 6 * HOUR, shortWindowMs: 30 * MINUTE, factor: 6, severity: 'CRITICAL' },
  { longWindowMs: 72 * HOUR, shortWindowMs: 6 * HOUR, factor: 1, severity: 'WARNING' },
] as const;

export const RULE_DEFAULTS = {
  windowMs: MINUTE,
  forMs: 30_000,
  keepFiringForMs: MINUTE,
  minEvents: 20,
  severity: 'WARNING' as AlertLevel,
};

/**
 * The seed's alert thresholds (PerformanceAlerting's, or `alert_thresholds` of the config) as
 * rules over the last minute: each rung of the seed's alert table (`alertTable`, the one
 * alerts.json is judged by) becomes a rule with its level, mildest first — P95 WARNING above
 * its threshold and CRITICAL above 1.5×, and so on. What a monitor alerts on when it is
 * given no rules.
 */
export function seedAlertRules(overrides: Partial<AlertThresholds> = {}): ThresholdRule[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...overrides };
  return alertTable(t).flatMap(({ ladder }) =>
    [...ladder].reverse().map(({ objective, level }) => ({
      ...thresholdRule(objective, { severity: level }),
      alertThreshold: true,
    })),
  );
}

/** The latency thresholds windows must count bad events for, to evaluate these rules. */
export function latencyThresholds(rules: readonly AlertRule[]): number[] {
  const set = new Set<number>();
  for (const rule of rules)
    if (rule.kind === 'burn_rate' && rule.latencyMs) set.add(rule.latencyMs);
  return [...set].sort((a, b) => a - b);
}

/**
 * The syntax of `--alert-rule` and `--slo`: an objective, then optional `key value` pairs:
 * `over 1m` (window), `for 30s`, `keep_firing_for 2m`, `min_events 50`,
 * `severity critical|warning|info`, `on <collector>`. E.g.
 * `p95<100ms over 1m for 30s keep_firing_for 2m severity critical on api_endpoints`.
 */
export function parseAlertRule(text: string): ThresholdRule {
  const { objective, options } = splitRule(text);
  return thresholdRule(objective, options);
}

function thresholdRule(objective: Objective, options: RuleOptions): ThresholdRule {
  const windowMs = options.over ?? RULE_DEFAULTS.windowMs;
  return {
    kind: 'threshold',
    name: `${objective.source} over ${formatShort(windowMs)}${options.on ? ` on ${options.on}` : ''}`,
    objective,
    windowMs,
    forMs: options.for ?? RULE_DEFAULTS.forMs,
    keepFiringForMs: options.keep_firing_for ?? RULE_DEFAULTS.keepFiringForMs,
    minEvents: options.min_events ?? RULE_DEFAULTS.minEvents,
    severity: options.severity ?? RULE_DEFAULTS.severity,
    collector: options.on,
  };
}

/**
 * An SLO's three burn-rate rules. `for` defaults to 0 (the short window already filters
 * blips) and `keep_firing_for` to the short window's length, as the workbook suggests.
 * Objectives without an error budget (averages, throughput…) become a threshold rule.
 */
export function parseSloRules(text: string): AlertRule[] {
  const { objective, options } = splitRule(text);
  const budget = errorBudget(objective);
  if (!budget) return [parseAlertRule(text)];
  if (budget.budget <= 0) {
    throw new UsageError(`SLO ${quote(text)} leaves no error budget: use a target below 100%`);
  }
  return BURN_RATE_WINDOWS.map((w) => ({
    kind: 'burn_rate' as const,
    name: `${objective.source} burn ${formatShort(w.longWindowMs)}/${formatShort(w.shortWindowMs)}${options.on ? ` on ${options.on}` : ''}`,
    objective,
    longWindowMs: w.longWindowMs,
    shortWindowMs: w.shortWindowMs,
    factor: w.factor,
    budget: budget.budget,
    latencyMs: budget.latencyMs,
    forMs: options.for ?? 0,
    keepFiringForMs: options.keep_firing_for ?? w.shortWindowMs,
    minEvents: options.min_events ?? RULE_DEFAULTS.minEvents,
    severity: options.severity ?? w.severity,
    collector: options.on,
  }));
}

interface RuleOptions {
  over?: number;
  for?: number;
  keep_firing_for?: number;
  min_events?: number;
  severity?: AlertLevel;
  on?: string;
}

function splitRule(text: string): { objective: Objective; options: RuleOptions } {
  const words = text.trim().split(/\s+/);
  const objective = parseObjective(words[0] ?? '');
  const options: RuleOptions = {};
  for (let i = 1; i < words.length; i += 2) {
    const key = words[i]!.toLowerCase();
    const value = words[i + 1];
    if (value === undefined)
      throw new UsageError(`rule ${quote(text)}: ${quote(key)} needs a value`);
    switch (key) {
      case 'over':
      case 'window':
        options.over = durationOf(value, text, false);
        break;
      case 'for':
        options.for = durationOf(value, text, true);
        break;
      case 'keep_firing_for':
      case 'keep':
        options.keep_firing_for = durationOf(value, text, true);
        break;
      case 'min_events': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) {
          throw new UsageError(`rule ${quote(text)}: min_events expects a whole number ≥ 0`);
        }
        options.min_events = n;
        break;
      }
      case 'severity': {
        const level = value.toUpperCase();
        if (level !== 'CRITICAL' && level !== 'WARNING' && level !== 'INFO') {
          throw new UsageError(`rule ${quote(text)}: severity is critical, warning or info`);
        }
        options.severity = level;
        break;
      }
      case 'on':
        options.on = value;
        break;
      default:
        throw new UsageError(
          `rule ${quote(text)}: unknown ${quote(key)} (expected over, for, keep_firing_for, min_events, severity, on)`,
        );
    }
  }
  return { objective, options };
}

function durationOf(value: string, text: string, zeroAllowed: boolean): number {
  const ms = value === '0' ? 0 : parseDurationMs(value);
  if (ms === undefined || (!zeroAllowed && ms <= 0)) {
    throw new UsageError(`rule ${quote(text)}: bad duration ${quote(value)} (e.g. 30s, 5m, 1h)`);
  }
  return ms;
}

/** `5m`, `1h`, `72h`, `30s`, `250ms`: the short form used in rule names. */
export function formatShort(ms: number): string {
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return ms >= 1000 ? formatDuration(ms).replace(/ /g, '') : `${ms}ms`;
}
