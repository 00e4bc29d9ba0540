import { Counter, Gauge, Registry } from 'prom-client';
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
  new Gauge({
    name: 'perfsight_latency_seconds',
    help: 'Latency quantiles of successful requests over a rolling window (HDR histogram, 2 significant digits).',
    labelNames: ['collector', 'window', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, c] of collectorsOf()) {
        for (const [window, figures] of Object.entries(c.windows)) {
          for (const [quantile, field] of QUANTILES) {
            const value = figures[field];
            if (value !== null && figures.requests > figures.failures) {
              this.set({ collector: name, window, quantile }, value / 1000);
            }
          }
        }
      }
    },
  });
  new Gauge({
    name: 'perfsight_throughput_requests_per_second',
    help: 'Requests per second over a rolling window.',
    labelNames: ['collector', 'window'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, c] of collectorsOf()) {
        for (const [window, f] of Object.entries(c.windows)) {
          this.set({ collector: name, window }, f.requests_per_second);
        }
      }
    },
  });
  new Gauge({
    name: 'perfsight_error_ratio',
    help: 'Share of requests that failed over a rolling window.',
    labelNames: ['collector', 'window'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, c] of collectorsOf()) {
        for (const [window, f] of Object.entries(c.windows)) {
          this.set({ collector: name, window }, f.error_rate);
        }
      }
    },
  });
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
