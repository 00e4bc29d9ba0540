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

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A receiver that answers after `delayMs` (changeable while it runs). */
async function receiver(port: number, received: AlertNotification[], delay: { ms: number }) {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        received.push(JSON.parse(body) as AlertNotification);
        res.writeHead(200).end('ok');
      }, delay.ms);
    });
  });
  await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
  return s;
}

describe('webhook sink', () => {
  it('receiver down, then slow, then up: no alert lost, the monitor never stalls', async () => {
    const port = await freePort();
    const dir = tempDir();
    const webhook = new WebhookSink(`http://127.0.0.1:${port}/hook`, {
      timeoutMs: 1000,
      backoffMs: 50,
      maxBackoffMs: 300,
      drainMs: 10_000,
    });
    const sent = new MemorySink<AlertNotification>();
    const log = new JsonLinesSink<AlertEvent>(join(dir, 'alerts.jsonl'));
    const ticks: number[] = [];
    const monitor = new ContinuousPerformanceMonitor(['api'], {
      rules: [parseAlertRule('error_rate<10% over 200ms for 0s keep_firing_for 0s min_events 1')],
      intervalMs: 50,
      alertsEveryMs: 50,
      windows: { fineMs: 50, coarseMs: 1000 },
      throttle: { groupWaitMs: 0, groupIntervalMs: 0 },
      eventSinks: [log],
      notificationSinks: [webhook, sent],
      dashboardSinks: [{ name: 'ticks', add: () => void ticks.push(performance.now()) }],
    });
    const api = monitor.collector('api')!;
    let fault = false;
    const feeder = setInterval(() => {
      for (let i = 0; i < 5; i++) api.recordSample({ latencyMs: 3, success: !(fault && i < 3) });
    }, 10);
    const flipper = setInterval(() => (fault = !fault), 300);
    await monitor.start();

    await sleep(1500); // down: connection refused, retried with backoff
    expect(webhook.stats.failedAttempts).toBeGreaterThan(0);
    expect(webhook.stats.delivered).toBe(0);
    const received: AlertNotification[] = [];
    const delay = { ms: 600 };
    server = await receiver(port, received, delay); // slow
    await sleep(2000);
    delay.ms = 0; // up
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

    // Never stalled: dashboards kept coming every ~50 ms throughout.
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    expect(ticks.length).toBeGreaterThan(60);
    expect(Math.max(...gaps)).toBeLessThan(400);
    expect(monitor.lastTickMs).toBeLessThan(50);
  }, 30_000);

  it('bounds its queue: the oldest notifications go first, and are counted', async () => {
    const port = await freePort();
    const webhook = new WebhookSink(`http://127.0.0.1:${port}/`, {
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
    const port = await freePort();
    let calls = 0;
    server = createServer((_, res) => {
      calls++;
      res.writeHead(400).end();
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    const webhook = new WebhookSink(`http://127.0.0.1:${port}/`);
    webhook.add({ id: 'x', group: 'g', status: 'firing', reason: 'new', sent_at: '', alerts: [] });
    await webhook.stop();
    expect(calls).toBe(1);
    expect(webhook.stats.rejected).toBe(1);
  });
});
