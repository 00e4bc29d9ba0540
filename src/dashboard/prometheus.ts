import { Counter, Gauge, Registry, type Metric, type MetricValue } from 'prom-client';
import type { DashboardSnapshot } from '../monitor/snapshot.js';

const QUANTILES = [
  ['0.5', 'latency_p50'],
  ['0.9', 'latency_p90'],
  ['0.95', 'latency_p95'],
  ['0.99', 'latency_p99'],
  ['0.999', 'latency_p999'],
] as const;

const ALERT_STATES = ['pending', 'firing'] as const;

/**
 * `/metrics` in the Prometheus exposition format, from the monitor's latest snapshot, in a
 * registry of its own (never prom-client's global one, which an embedding app may use).
 * Values are read at scrape time (`collect`), so nothing is done per sample. Counters are
 * the since-start counts; latency quantiles and throughput are per rolling window.
 */
export function createMetricsRegistry(read: () => DashboardSnapshot): Registry {
  const registry = new Registry();
  const collectorsOf = () => Object.entries(read().collectors);

  new Counter({
    name: 'perfsight_requests_total',
    help: 'Requests measured, by outcome.',
    labelNames: ['collector', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, c] of collectorsOf()) {
        const all = c.since_start;
        this.inc({ collector: name, outcome: 'success' }, all.requests - all.failures);
        this.inc({ collector: name, outcome: 'failure' }, all.failures);
      }
    },
  });
  const counts = [
    ['perfsight_cache_hits_total', 'Requests answered from a cache.', 'cache_hits'],
    ['perfsight_cache_misses_total', 'Requests that looked in a cache and missed.', 'cache_misses'],
    ['perfsight_fallbacks_total', 'Requests served by a fallback.', 'fallbacks'],
  ] as const;
  for (const [metric, help, field] of counts) {
    new Counter({
      name: metric,
      help,
      labelNames: ['collector'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [name, c] of collectorsOf()) this.inc({ collector: name }, c.since_start[field]);
      },
    });
  }
  registry.registerMetric(latencySummary(read) as unknown as Metric);
  const windowGauges = [
    [
      'perfsight_throughput_requests_per_second',
      'Requests per second over a rolling window.',
      'requests_per_second',
    ],
    ['perfsight_error_ratio', 'Share of requests that failed over a rolling window.', 'error_rate'],
  ] as const;
  for (const [metric, help, field] of windowGauges) {
    new Gauge({
      name: metric,
      help,
      labelNames: ['collector', 'window'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [name, c] of collectorsOf()) {
          for (const [window, f] of Object.entries(c.windows)) {
            this.set({ collector: name, window }, f[field]);
          }
        }
      },
    });
  }
  new Gauge({
    name: 'perfsight_alerts',
    help: 'Alerts pending or firing (1), as Prometheus ALERTS.',
    labelNames: ['alertname', 'collector', 'severity', 'alertstate'],
    registers: [registry],
    collect() {
      this.reset();
      for (const alert of read().alerts.active) {
        for (const state of ALERT_STATES) {
          if (alert.state === state) {
            this.set(
              {
                alertname: alert.alert,
                collector: alert.collector,
                severity: alert.level.toLowerCase(),
                alertstate: state,
              },
              1,
            );
          }
        }
      }
    },
  });
  new Gauge({
    name: 'perfsight_monitor_uptime_seconds',
    help: 'Seconds since the monitor started.',
    registers: [registry],
    collect() {
      this.set(read().elapsed_seconds);
    },
  });
  new Gauge({
    name: 'perfsight_monitor_resident_memory_bytes',
    help: 'Resident set size of the monitor process.',
    registers: [registry],
    collect() {
      this.set(read().process.rss_mb * 2 ** 20);
    },
  });
  return registry;
}

/**
 * Latency quantiles per rolling window as a Prometheus summary (quantiles, `_sum`, `_count`
 * of the window's successful requests). prom-client's own Summary computes quantiles from
 * observations it holds itself; ours come from the monitor's window histograms, so the
 * metric is an object the registry formats (`get()` in the shape its metrics return).
 */
function latencySummary(read: () => DashboardSnapshot) {
  return {
    name: 'perfsight_request_duration_seconds',
    help: 'Latency of successful requests over a rolling window (HDR histogram, 2 significant digits).',
    type: 'summary',
    aggregator: 'sum',
    reset() {},
    get() {
      const values: Array<MetricValue<string> & { metricName?: string }> = [];
      for (const [collector, c] of Object.entries(read().collectors)) {
        for (const [window, f] of Object.entries(c.windows)) {
          const successes = f.requests - f.failures;
          if (successes > 0) {
            for (const [quantile, field] of QUANTILES) {
              values.push({
                labels: { collector, window, quantile },
                value: (f[field] ?? 0) / 1000,
              });
            }
          }
          values.push({
            metricName: 'perfsight_request_duration_seconds_sum',
            labels: { collector, window },
            value: (f.latency_avg * successes) / 1000,
          });
          values.push({
            metricName: 'perfsight_request_duration_seconds_count',
            labels: { collector, window },
            value: successes,
          });
        }
      }
      return {
        name: 'perfsight_request_duration_seconds',
        help: 'Latency of successful requests over a rolling window (HDR histogram, 2 significant digits).',
        type: 'summary',
        values,
        aggregator: 'sum',
      };
    },
  };
}
