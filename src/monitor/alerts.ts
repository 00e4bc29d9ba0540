import type { Alert, AlertLevel } from '../analysis/types.js';
import { breaks } from '../model/judge.js';
import { categoryOf, describeFigure, measure } from './_objective.js';
import type { WindowFigures } from './_windows.js';
import { formatShort, latencyThresholds, type AlertRule } from './rules.js';

/**
 * Alert evaluation in time. Each (rule, collector) pair is a small state machine:
 *
 *   inactive ──holds──▶ pending ──held `for`──▶ firing ──stopped holding for
 *      ▲                   │                              `keep_firing_for`──▶ resolved
 *      └──stops holding────┘
 *
 * as Prometheus does it. `evaluate` is pure apart from that state: time comes in as an
 * argument (an injectable clock), figures through a window source, transitions go out as
 * events. Nothing here reads a clock, writes or prints.
 */
export type AlertState = 'pending' | 'firing' | 'resolved';

/** One alert transition: the seed's alert fields plus its lifecycle. */
export interface AlertEvent extends Alert {
  /** Stable for one activation of a rule on a collector: pending, firing and resolved share it. */
  id: string;
  alert: string;
  collector: string;
  state: AlertState;
  rule_kind: AlertRule['kind'];
  /** ISO-8601 times of the lifecycle; null until reached. */
  pending_at: string;
  firing_at: string | null;
  resolved_at: string | null;
  /** When this event happened. */
  at: string;
}

/** Figures of a collector over the last `windowMs`; `latencies: false` may skip percentiles. */
export type WindowSource = (
  collector: string,
  windowMs: number,
  latencies: boolean,
) => WindowFigures;

interface Tracked {
  event: AlertEvent;
  /** Epoch ms the condition last held. */
  lastHeldMs: number;
  pendingMs: number;
}

const HISTORY_LIMIT = 200;

export class AlertEvaluator {
  readonly rules: readonly AlertRule[];
  /** The latest transitions, newest last (bounded). */
  readonly history: AlertEvent[] = [];
  private readonly tracked = new Map<string, Tracked>();
  private readonly thresholds: number[];
  private sequence = 0;

  constructor(rules: readonly AlertRule[]) {
    this.rules = rules;
    this.thresholds = latencyThresholds(rules);
  }

  /** Alerts pending or firing now. */
  active(collector?: string): AlertEvent[] {
    const all = [...this.tracked.values()].map((t) => t.event);
    return collector === undefined ? all : all.filter((e) => e.collector === collector);
  }

  /** Checks every rule on every collector it applies to; returns the transitions. */
  evaluate(nowMs: number, collectors: readonly string[], source: WindowSource): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const rule of this.rules) {
      for (const collector of collectors) {
        if (rule.collector !== undefined && rule.collector !== collector) continue;
        const check = this.check(rule, collector, source);
        const event = this.step(rule, collector, check, nowMs);
        if (event) events.push(event);
      }
    }
    for (const event of events) this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) {
      this.history.splice(0, this.history.length - HISTORY_LIMIT);
    }
    return events;
  }

  private step(rule: AlertRule, collector: string, check: Check, nowMs: number): AlertEvent | null {
    const key = `${rule.name}\u0000${collector}`;
    const tracked = this.tracked.get(key);
    const at = new Date(nowMs).toISOString();
    if (!tracked) {
      if (!check.breached) return null;
      const event: AlertEvent = {
        id: `${collector}/${rule.name}/${++this.sequence}`,
        alert: rule.name,
        collector,
        state: 'pending',
        rule_kind: rule.kind,
        level: check.level,
        category: categoryOf(rule.objective.metric),
        metric: check.metric,
        value: check.value,
        threshold: check.threshold,
        message: check.message,
        pending_at: at,
        firing_at: null,
        resolved_at: null,
        at,
      };
      const fresh = { event, lastHeldMs: nowMs, pendingMs: nowMs };
      this.tracked.set(key, fresh);
      if (rule.forMs <= 0) return this.fire(fresh, at);
      return { ...event };
    }
    const event = tracked.event;
    if (check.breached) {
      tracked.lastHeldMs = nowMs;
      Object.assign(event, {
        value: check.value,
        message: check.message,
        level: check.level,
        threshold: check.threshold,
      });
      if (event.state === 'pending' && nowMs - tracked.pendingMs >= rule.forMs) {
        return this.fire(tracked, at);
      }
      return null;
    }
    if (event.state === 'pending') {
      // Never fired: it goes away without a notification (nothing was announced).
      this.tracked.delete(key);
      return null;
    }
    if (nowMs - tracked.lastHeldMs < rule.keepFiringForMs) return null;
    this.tracked.delete(key);
    return { ...event, state: 'resolved', resolved_at: at, at };
  }

  private fire(tracked: Tracked, at: string): AlertEvent {
    Object.assign(tracked.event, { state: 'firing', firing_at: at, at });
    return { ...tracked.event };
  }

  private check(rule: AlertRule, collector: string, source: WindowSource): Check {
    if (rule.kind === 'threshold') {
      const window = source(collector, rule.windowMs, true);
      // "p95 over 1m" is a statement about a minute: a window not yet watched whole is silent.
      const speaks = coverage(window, rule.windowMs) === 1 && window.requests >= rule.minEvents;
      const value = speaks ? measure(rule.objective.metric, window) : null;
      const breached = breaks(rule.objective, value);
      const upper = rule.objective.comparator.startsWith('<');
      const threshold = rule.objective.threshold;
      const shownThreshold = describeFigure(rule.objective.metric, threshold).replace(/^.* /, '');
      return {
        breached,
        value: value ?? 0,
        threshold,
        level: rule.severity,
        metric: rule.objective.metric,
        message: `${describeFigure(rule.objective.metric, value ?? 0)} ${upper ? 'exceeds' : 'below'} threshold ${shownThreshold} (last ${formatShort(rule.windowMs)})`,
      };
    }
    const longWindow = source(collector, rule.longWindowMs, false);
    const shortWindow = source(collector, rule.shortWindowMs, false);
    // The short window says whether the budget is burning *now*: it must be watched whole.
    const short =
      coverage(shortWindow, rule.shortWindowMs) === 1 ? this.burnRate(rule, shortWindow) : null;
    // The long window speaks before it is covered only if what was watched already burns the
    // budget that fast over its whole length: its unwatched part counts as requests (at the
    // watched rate) that were all good, so the figure is a lower bound, exact once covered.
    const covered = coverage(longWindow, rule.longWindowMs);
    const watched = this.burnRate(rule, longWindow);
    const long = watched === null ? null : watched * covered;
    const breached = long !== null && short !== null && long >= rule.factor && short >= rule.factor;
    const partly =
      covered < 1 ? ` (${Math.floor(covered * 100)}% watched, the rest counted as good)` : '';
    return {
      breached,
      value: Math.min(long ?? 0, short ?? 0),
      threshold: rule.factor,
      level: rule.severity,
      metric: 'error_budget_burn_rate',
      message: `Error budget of ${rule.objective.source} burning ${(long ?? 0).toFixed(1)}x over ${formatShort(rule.longWindowMs)}${partly} and ${(short ?? 0).toFixed(1)}x over ${formatShort(rule.shortWindowMs)} (threshold ${rule.factor}x)`,
    };
  }

  /** Bad share of the window over the budget; null with too few events to say. */
  private burnRate(
    rule: Extract<AlertRule, { kind: 'burn_rate' }>,
    window: WindowFigures,
  ): number | null {
    if (window.requests < Math.max(1, rule.minEvents)) return null;
    const bad =
      rule.latencyMs === undefined
        ? window.failures
        : (window.bad[this.thresholds.indexOf(rule.latencyMs)] ?? window.failures);
    return bad / window.requests / rule.budget;
  }
}

/**
 * The share of its length a window's data covers: 1 once the collector has been watched for
 * the whole window (slot-aligned windows then span at least their length), less before.
 */
export function coverage(window: WindowFigures, windowMs: number): number {
  const spanMs = window.span_seconds * 1000;
  // 1 ms of slack: the span went through seconds and back.
  return spanMs >= windowMs - 1 ? 1 : Math.max(0, spanMs) / windowMs;
}

interface Check {
  breached: boolean;
  value: number;
  threshold: number;
  level: AlertLevel;
  metric: string;
  message: string;
}
