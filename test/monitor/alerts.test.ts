import { describe, expect, it } from 'vitest';
import { sampleFlags } from '../../src/metrics/index.js';
import {
  AlertEvaluator,
  ContinuousPerformanceMonitor,
  MemorySink,
  Notifier,
  RollingWindows,
  latencyThresholds,
  parseAlertRule,
  parseSloRules,
  type AlertEvent,
  type AlertRule,
} from '../../src/monitor/index.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.UTC(2026, 0, 1);

/**
 * One collector's windows and an evaluator on a fake clock: `run` advances time in 5 s
 * steps, feeding the traffic the test describes and evaluating every `everyMs`.
 */
function harness(rules: AlertRule[], everyMs = 10 * SECOND) {
  const windows = new RollingWindows({ latencyThresholdsMs: latencyThresholds(rules) });
  const evaluator = new AlertEvaluator(rules);
  const events: AlertEvent[] = [];
  let now = T0;
  windows.start(now);
  const step = 5 * SECOND;
  return {
    events,
    evaluator,
    get now() {
      return now;
    },
    /** Runs for `ms`; each 5 s slot gets `traffic(now)` samples. */
    run(ms: number, traffic: (nowMs: number) => Array<[latencyMs: number, ok: boolean]>) {
      const end = now + ms;
      while (now < end) {
        for (const [latency, ok] of traffic(now)) windows.record(latency, sampleFlags(ok));
        now += step;
        windows.advance(now);
        if ((now - T0) % everyMs === 0) {
          events.push(
            ...evaluator.evaluate(now, ['api'], (_, w, latencies) =>
              windows.window(w, now, latencies),
            ),
          );
        }
      }
    },
  };
}

const steady =
  (latencyMs: number, n = 10, failures = 0) =>
  () =>
    Array.from({ length: n }, (_, i) => [latencyMs, i >= failures] as [number, boolean]);

const at = (iso: string | null) => (iso === null ? NaN : Date.parse(iso));

describe('threshold rules on a fake clock', () => {
  it('goes pending, fires after `for`, resolves after `keep_firing_for`, with timestamps', () => {
    const rule = parseAlertRule('p95<100ms over 1m for 2m keep_firing_for 3m min_events 10');
    const h = harness([rule]);
    h.run(10 * MINUTE, steady(50));
    expect(h.events).toEqual([]);
    const faultAt = h.now;
    h.run(5 * MINUTE, steady(200));
    const recoveredAt = h.now;
    h.run(10 * MINUTE, steady(50));

    expect(h.events.map((e) => e.state)).toEqual(['pending', 'firing', 'resolved']);
    const [pending, firing, resolved] = h.events as [AlertEvent, AlertEvent, AlertEvent];
    expect(new Set(h.events.map((e) => e.id)).size).toBe(1);
    expect(at(pending.pending_at)).toBeGreaterThan(faultAt);
    expect(at(pending.pending_at) - faultAt).toBeLessThanOrEqual(20 * SECOND);
    expect(at(firing.firing_at) - at(pending.pending_at)).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(at(firing.firing_at) - at(pending.pending_at)).toBeLessThan(2 * MINUTE + 10 * SECOND);
    expect(firing.level).toBe('WARNING');
    expect(firing.value).toBeGreaterThan(100);
    expect(firing.message).toMatch(/^P95 latency \d+\.\d\dms exceeds threshold 100\.00ms/);
    // The 1 m window holds slow samples until about a minute after recovery, then 3 m more.
    const resolvedAfter = at(resolved.resolved_at) - recoveredAt;
    expect(resolvedAfter).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(resolvedAfter).toBeLessThanOrEqual(4 * MINUTE + 20 * SECOND);
    expect(resolved.pending_at).toBe(pending.pending_at);
    expect(resolved.firing_at).toBe(firing.firing_at);
    expect(h.evaluator.active()).toEqual([]);
  });

  it('a blip shorter than `for` never fires', () => {
    const h = harness([parseAlertRule('error_rate<5% over 30s for 1m keep_firing_for 0s')]);
    h.run(5 * MINUTE, steady(10));
    h.run(20 * SECOND, steady(10, 10, 5));
    h.run(5 * MINUTE, steady(10));
    expect(h.events.map((e) => e.state)).toEqual(['pending']);
    expect(h.evaluator.active()).toEqual([]);
  });

  it('keep_firing_for stops a flapping condition from flapping the alert', () => {
    const flapping = (now: number) =>
      Math.floor((now - T0) / (30 * SECOND)) % 2 === 0 ? steady(10, 10, 5)() : steady(10)();
    const rule = (keep: string) =>
      parseAlertRule(`error_rate<5% over 10s for 0s keep_firing_for ${keep} min_events 1`);
    const calm = harness([rule('2m')]);
    calm.run(20 * MINUTE, flapping);
    expect(calm.events.map((e) => e.state)).toEqual(['firing']);
    const noisy = harness([rule('0s')]);
    noisy.run(20 * MINUTE, flapping);
    expect(noisy.events.filter((e) => e.state === 'resolved').length).toBeGreaterThan(5);
  });

  it('ignores windows with fewer events than min_events', () => {
    const h = harness([parseAlertRule('success>=99% over 1m for 0s min_events 50')]);
    h.run(10 * MINUTE, steady(10, 2, 1)); // 24 requests a minute, half failing
    expect(h.events).toEqual([]);
    h.run(2 * MINUTE, steady(10, 10, 5)); // 120 a minute
    expect(h.events.map((e) => e.state)).toEqual(['firing']);
    expect(h.events[0]!.message).toMatch(/^Success rate \d+\.\d\d% below threshold 99\.00%/);
  });
});

describe('burn-rate rules (SRE workbook windows)', () => {
  it('makes the three standard rules from an SLO', () => {
    const rules = parseSloRules('success>=99%');
    expect(
      rules.map((r) => r.kind === 'burn_rate' && [r.longWindowMs, r.shortWindowMs, r.factor]),
    ).toEqual([
      [60 * MINUTE, 5 * MINUTE, 14.4],
      [6 * 60 * MINUTE, 30 * MINUTE, 6],
      [3 * 24 * 60 * MINUTE, 6 * 60 * MINUTE, 1],
    ]);
    expect(rules.map((r) => r.kind === 'burn_rate' && r.budget)).toEqual(
      [0.01, 0.01, 0.01].map((b) => expect.closeTo(b, 12)),
    );
  });

  it('fires only when the long and the short window both burn fast, and resolves on recovery', () => {
    const rules = parseSloRules('success>=99% min_events 10');
    const h = harness(rules, MINUTE);
    h.run(2 * 60 * MINUTE, steady(10)); // two healthy hours
    expect(h.events).toEqual([]);
    const faultAt = h.now;
    // 20 % failing: 20x the budget. The 5 m window burns at 20x within minutes, but the 1 h
    // window only reaches 14.4x after 43.2 minutes.
    h.run(30 * MINUTE, steady(10, 10, 2));
    // (The 3 d/6 h ticket rule may fire already: its windows hold only two hours so far.)
    expect(h.events.filter((e) => !e.alert.includes('burn 72h/6h'))).toEqual([]);
    h.run(15 * MINUTE, steady(10, 10, 2));
    const page = h.events.find((e) => e.alert.includes('burn 1h/5m'));
    expect(page?.state).toBe('firing');
    expect(page?.level).toBe('CRITICAL');
    const firedAfter = at(page!.firing_at) - faultAt;
    expect(firedAfter).toBeGreaterThanOrEqual(43 * MINUTE);
    expect(firedAfter).toBeLessThanOrEqual(45 * MINUTE);
    expect(page!.value).toBeGreaterThanOrEqual(14.4);
    // 6 h window: 20 % × 45/360 = 2.5 % < 6 %: the slower page has not fired.
    expect(h.events.some((e) => e.alert.includes('burn 6h/30m'))).toBe(false);
    const recoveredAt = h.now;
    h.run(30 * MINUTE, steady(10));
    const resolved = h.events.find((e) => e.alert.includes('burn 1h/5m') && e.state === 'resolved');
    expect(resolved).toBeDefined();
    // Short window clean after ≤ 5 m, then keep_firing_for (5 m by default).
    const resolvedAfter = at(resolved!.resolved_at) - recoveredAt;
    expect(resolvedAfter).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(resolvedAfter).toBeLessThanOrEqual(11 * MINUTE);
  });

  it('latency SLOs count slow requests against the budget', () => {
    const rules = parseSloRules('p99<100ms for 0s min_events 10');
    const h = harness(rules, MINUTE);
    h.run(60 * MINUTE, steady(20));
    // 30 % slow: burn 30x the 1 % budget in both windows of the 1 h/5 m rule after 29 min.
    h.run(40 * MINUTE, () => steady(20)().map(([l], i) => [i < 3 ? 250 : l, true]));
    const page = h.events.find((e) => e.alert.includes('burn 1h/5m'));
    expect(page?.state).toBe('firing');
    expect(page!.message).toMatch(/^Error budget of p99<100ms burning \d+\.\dx over 1h/);
  });
});

/**
 * A monitor on an injected clock, fed `perTick` samples (the first `failing` of them failing,
 * the rest at `latencyMs`) every 10 s, evaluating its rules every minute.
 */
async function watched(
  rules: AlertRule[],
  perTick: { n: number; failing: number; latencyMs?: number },
) {
  let now = T0;
  const events = new MemorySink<AlertEvent>();
  const monitor = new ContinuousPerformanceMonitor(['api'], {
    clock: { now: () => now },
    rules,
    alertsEveryMs: MINUTE,
    analysisEveryMs: 24 * 60 * MINUTE,
    intervalMs: 24 * 60 * MINUTE,
    eventSinks: [events],
  });
  await monitor.start({ schedule: false });
  const collector = monitor.collector('api')!;
  return {
    events,
    get now() {
      return now;
    },
    runUntil(endMs: number) {
      while (now < endMs) {
        for (let i = 0; i < perTick.n; i++) {
          collector.record(perTick.latencyMs ?? 10, sampleFlags(i >= perTick.failing), 'E', now);
        }
        monitor.tick((now += 10 * SECOND));
      }
    },
  };
}

describe('a window not yet watched whole says nothing', () => {
  it('burning 2x: the 3 d/6 h rule waits for a full 6 h and a burn that holds over 72 h', async () => {
    // 2 % failing against a 1 % budget: 2x. On the old rule this fired after 10 s of data.
    const m = await watched(parseSloRules('success>=99%'), { n: 50, failing: 1 });
    m.runUntil(T0 + 10 * SECOND);
    m.runUntil(T0 + 6 * 60 * MINUTE);
    expect(m.events.items).toEqual([]);
    // The 72 h window counts its unwatched part as good: 2x × (watched / 72 h) reaches 1x
    // once 36 h are watched, not before.
    m.runUntil(T0 + 36 * 60 * MINUTE - 10 * SECOND);
    expect(m.events.items).toEqual([]);
    m.runUntil(T0 + 36 * 60 * MINUTE + 2 * MINUTE);
    const ticket = m.events.items.map((e) => [e.alert, e.state]);
    expect(ticket).toEqual([['success>=99% burn 72h/6h', 'firing']]);
    const fired = m.events.items[0]!;
    expect(at(fired.firing_at) - T0).toBeGreaterThanOrEqual(36 * 60 * MINUTE);
    expect(fired.value).toBeGreaterThanOrEqual(1);
    expect(fired.message).toMatch(
      /^Error budget of success>=99% burning 1\.0x over 72h \(50% watched, the rest counted as good\) and 2\.0x over 6h/,
    );
  });

  it('a total outage pages once the short window is whole, not before', async () => {
    // Every call fails against a 0.1 % budget: 1000x; the 1 h/5 m page needs 14.4x.
    const m = await watched(parseSloRules('success>=99.9%'), { n: 20, failing: 20 });
    m.runUntil(T0 + 5 * MINUTE - 10 * SECOND);
    expect(m.events.items).toEqual([]);
    m.runUntil(T0 + 6 * MINUTE);
    const page = m.events.items.find((e) => e.alert === 'success>=99.9% burn 1h/5m');
    expect(page?.state).toBe('firing');
    expect(at(page!.firing_at) - T0).toBe(5 * MINUTE);
    // 1000x over the 5 watched minutes is at least 83x over the hour, whatever came before.
    expect(page!.value).toBeCloseTo(1000 / 12, 6);
  });

  it('a threshold rule speaks once its window is watched whole', async () => {
    const m = await watched([parseAlertRule('p95<100ms over 2m for 0s min_events 1')], {
      n: 5,
      failing: 0,
      latencyMs: 250,
    });
    m.runUntil(T0 + 2 * MINUTE - 10 * SECOND);
    expect(m.events.items).toEqual([]);
    m.runUntil(T0 + 3 * MINUTE);
    expect(m.events.items.map((e) => [e.state, at(e.firing_at) - T0])).toEqual([
      ['firing', 2 * MINUTE],
    ]);
  });
});

describe('notification throttling', () => {
  const event = (collector: string, alert: string, state: AlertEvent['state']): AlertEvent => ({
    id: `${collector}/${alert}`,
    alert,
    collector,
    state,
    rule_kind: 'threshold',
    level: 'WARNING',
    category: 'latency',
    metric: 'p95',
    value: 1,
    threshold: 1,
    message: alert,
    pending_at: '',
    firing_at: null,
    resolved_at: null,
    at: '',
  });

  it('waits group_wait, batches a group, spaces changes by group_interval, repeats', () => {
    const notifier = new Notifier({
      groupWaitMs: 30 * SECOND,
      groupIntervalMs: 5 * MINUTE,
      repeatIntervalMs: 60 * MINUTE,
    });
    const sent: Array<{ at: number; reason: string; alerts: string[] }> = [];
    const tick = (t: number) => {
      for (const n of notifier.due(T0 + t)) {
        sent.push({
          at: t,
          reason: n.reason,
          alerts: n.alerts.map((a) => `${a.alert}:${a.state}`),
        });
      }
    };
    notifier.accept(event('api', 'a', 'pending'), T0);
    notifier.accept(event('api', 'a', 'firing'), T0);
    tick(10 * SECOND);
    notifier.accept(event('api', 'b', 'firing'), T0 + 20 * SECOND);
    for (let t = 0; t <= 3 * 60 * MINUTE; t += 10 * SECOND) {
      if (t === MINUTE) notifier.accept(event('api', 'c', 'firing'), T0 + t);
      if (t === 2 * MINUTE) notifier.accept(event('api', 'a', 'resolved'), T0 + t);
      tick(t);
    }
    expect(sent.slice(0, 2)).toEqual([
      { at: 30 * SECOND, reason: 'new', alerts: ['a:firing', 'b:firing'] },
      {
        at: 5 * MINUTE + 30 * SECOND,
        reason: 'changed',
        alerts: ['b:firing', 'c:firing', 'a:resolved'],
      },
    ]);
    expect(sent.slice(2).map((s) => [s.at, s.reason])).toEqual([
      [65 * MINUTE + 30 * SECOND, 'repeat'],
      [125 * MINUTE + 30 * SECOND, 'repeat'],
    ]);
    expect(notifier.flush(T0 + 4 * 60 * MINUTE)).toEqual([]);
  });

  it('never notifies alerts that stayed pending', () => {
    const notifier = new Notifier({ groupWaitMs: 0 });
    notifier.accept(event('api', 'a', 'pending'), T0);
    expect(notifier.due(T0 + MINUTE)).toEqual([]);
  });
});
