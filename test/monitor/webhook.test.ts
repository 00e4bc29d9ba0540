import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../_helpers.js';
import {
  ContinuousPerformanceMonitor,
  JsonLinesSink,
  MemorySink,
  WebhookSink,
  parseAlertRule,
  type AlertEvent,
  type AlertNotification,
} from '../../src/monitor/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/**
 * A receiver on a port of its own (port 0: never one another process could take between a
 * probe and a listen). While `mode.down`, it drops every connection unanswered (a network
 * error, as a receiver that is down); else it answers after `mode.ms`.
 */
async function receiver(received: AlertNotification[], mode: { down: boolean; ms: number }) {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        received.push(JSON.parse(body) as AlertNotification);
        res.writeHead(200).end('ok');
      }, mode.ms);
    });
  });
  s.on('connection', (socket) => {
    if (mode.down) socket.destroy();
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  server = s;
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('webhook sink', () => {
  it('receiver down, then slow, then up: no alert lost, the monitor never stalls', async () => {
    const received: AlertNotification[] = [];
    const mode = { down: true, ms: 0 };
    const url = await receiver(received, mode);
    const dir = tempDir();
    // Slow is slower than any pause a busy machine gives a 50 ms timer, and delivered within
    // the timeout: a monitor that waited on the webhook would stall for seconds.
    const webhook = new WebhookSink(`${url}/hook`, {
      timeoutMs: 5000,
      backoffMs: 50,
      maxBackoffMs: 300,
      drainMs: 10_000,
    });
    const sent = new MemorySink<AlertNotification>();
    const log = new JsonLinesSink<AlertEvent>(join(dir, 'alerts.jsonl'));
    const ticks: number[] = [];
    const tickCosts: number[] = [];
    const monitor = new ContinuousPerformanceMonitor(['api'], {
      rules: [parseAlertRule('error_rate<10% over 200ms for 0s keep_firing_for 0s min_events 1')],
      intervalMs: 50,
      alertsEveryMs: 50,
      windows: { fineMs: 50, coarseMs: 1000 },
      throttle: { groupWaitMs: 0, groupIntervalMs: 0 },
      eventSinks: [log],
      notificationSinks: [webhook, sent],
      dashboardSinks: [
        {
          name: 'ticks',
          add: () => {
            ticks.push(performance.now());
            tickCosts.push(monitor.lastTickMs);
          },
        },
      ],
    });
    const api = monitor.collector('api')!;
    let fault = false;
    const feeder = setInterval(() => {
      for (let i = 0; i < 5; i++) api.recordSample({ latencyMs: 3, success: !(fault && i < 3) });
    }, 10);
    const flipper = setInterval(() => (fault = !fault), 300);
    await monitor.start();

    await sleep(1500); // down: connections dropped, retried with backoff
    expect(webhook.stats.failedAttempts).toBeGreaterThan(0);
    expect(webhook.stats.delivered).toBe(0);
    Object.assign(mode, { down: false, ms: 2500 }); // slow
    await sleep(3000);
    mode.ms = 0; // up
    await sleep(1500);
    clearInterval(flipper);
    clearInterval(feeder);
    await monitor.stop();

    // Alerts fired and resolved many times; every notification reached the receiver.
    const events = readFileSync(join(dir, 'alerts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AlertEvent);
    expect(events.filter((e) => e.state === 'firing').length).toBeGreaterThanOrEqual(5);
    expect(sent.items.length).toBeGreaterThanOrEqual(5);
    const receivedIds = new Set(received.map((n) => n.id));
    expect(sent.items.filter((n) => !receivedIds.has(n.id))).toEqual([]);
    const notified = new Set(received.flatMap((n) => n.alerts.map((a) => `${a.id}:${a.state}`)));
    const lost = events.filter((e) => e.state !== 'pending' && !notified.has(`${e.id}:${e.state}`));
    expect(lost).toEqual([]);
    // Order is kept: notifications arrive in the order they were sent.
    const order = received.map((n) => sent.items.findIndex((s) => s.id === n.id));
    expect(order.filter((i, k) => k > 0 && i < order[k - 1]!)).toEqual([]);
    expect(webhook.stats.dropped).toBe(0);
    expect(webhook.pending).toBe(0);

    // Never stalled: dashboards kept coming every ~50 ms throughout. A monitor waiting on the
    // 2.5 s receiver would leave gaps of seconds; 1.5 s leaves room for a busy machine's
    // pauses. A tick is cheap: the typical one (the median, which a pause does not move).
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    expect(ticks.length).toBeGreaterThan(60);
    expect(Math.max(...gaps)).toBeLessThan(1500);
    const costs = tickCosts.slice(1).sort((a, b) => a - b);
    expect(costs[Math.floor(costs.length / 2)]).toBeLessThan(50);
  }, 30_000);

  it('bounds its queue: the oldest notifications go first, and are counted', async () => {
    const url = await receiver([], { down: true, ms: 0 });
    const webhook = new WebhookSink(`${url}/`, {
      maxQueue: 3,
      backoffMs: 1000,
      drainMs: 50,
    });
    for (let i = 0; i < 10; i++) {
      webhook.add({
        id: String(i),
        group: 'g',
        status: 'firing',
        reason: 'new',
        sent_at: '',
        alerts: [],
      });
    }
    expect(webhook.pending).toBe(3);
    expect(webhook.stats.dropped).toBe(7);
    const began = performance.now();
    await webhook.stop();
    expect(performance.now() - began).toBeLessThan(2000);
  });

  it('a rejected notification (4xx) is dropped, not retried forever', async () => {
    let calls = 0;
    server = createServer((_, res) => {
      calls++;
      res.writeHead(400).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const webhook = new WebhookSink(`http://127.0.0.1:${port}/`);
    webhook.add({ id: 'x', group: 'g', status: 'firing', reason: 'new', sent_at: '', alerts: [] });
    await webhook.stop();
    expect(calls).toBe(1);
    expect(webhook.stats.rejected).toBe(1);
  });
});
