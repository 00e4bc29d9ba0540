import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { join } from 'node:path';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsCollector } from '../../src/metrics/index.js';
import { runWorkload, type RunPlan } from '../../src/load/index.js';
import { httpWorkload, type HttpTargetOptions } from '../../src/workloads/http/index.js';

/** A real server on 127.0.0.1, port 0; closed after each test. */
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    // (A plain node:net server has no closeAllConnections: its client, the pool, closes them.)
    (server as Partial<Server>).closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: RequestListener,
): Promise<{ url: string; server: Server; sockets: Socket[] }> {
  const server = createServer(handler);
  const sockets: Socket[] = [];
  server.on('connection', (socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

/** node:http answering every request (HEAD included) with 5 bytes' worth of Content-Length. */
async function nodeHeadServer(count: () => void) {
  const { url, sockets } = await serve((_req, res) => {
    count();
    res.end('hello');
  });
  return { url, connections: () => sockets.length };
}

/** A minimal HTTP/1.1 server: `Content-Length: 0` and no `Connection` header in its answers. */
async function bareHeadServer(count: () => void) {
  const server = createNetServer((socket) => {
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        pending = pending.slice(end + 4);
        count();
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      }
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  servers.push(server as unknown as Server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, connections: () => connections };
}

async function measure(options: HttpTargetOptions, plan: RunPlan) {
  const workload = httpWorkload(options);
  const collector = new MetricsCollector({ sampleResources: false });
  try {
    const outcome = await runWorkload(workload, collector, plan);
    return {
      metrics: collector.recorded().metrics,
      uncorrected: outcome.uncorrected?.recorded().metrics,
      traffic: workload.traffic(),
    };
  } finally {
    await workload.teardown?.();
  }
}

describe('HTTP workload against a real server', () => {
  it('records exactly the requests the server served, with their status codes and bytes', async () => {
    let served = 0;
    const byStatus: Record<string, number> = {};
    const { url, sockets } = await serve((req, res) => {
      served++;
      req.resume();
      req.on('end', () => {
        res.statusCode = served % 7 === 0 ? 503 : served % 5 === 0 ? 204 : 200;
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
        res.end(res.statusCode === 204 ? undefined : 'x'.repeat(served % 50));
      });
    });
    const warmup = 3;
    const { metrics, traffic } = await measure(
      { url: `${url}/api`, connections: 4, method: 'POST', body: '{"a":1}' },
      { iterations: 600, concurrency: 4, warmup },
    );
    expect(metrics.totalSamples).toBe(600);
    expect(served).toBe(600 + warmup);
    const measuredStatuses = Object.values(traffic.statusCodes).reduce((a, b) => a + b, 0);
    expect(measuredStatuses).toBe(600);
    expect(metrics.errorCounts.http_503).toBe(traffic.statusCodes['503']);
    expect(metrics.failedSamples).toBe(traffic.statusCodes['503']);
    expect(traffic.statusCodes['204']).toBeGreaterThan(0);
    // The server's sockets read what perfsight wrote and wrote what it read (warm-up
    // included on the server's side: 3 more requests, each of the same size).
    const serverRead = sockets.reduce((sum, s) => sum + s.bytesRead, 0);
    const serverWritten = sockets.reduce((sum, s) => sum + s.bytesWritten, 0);
    const perRequest = serverRead / (600 + warmup);
    expect(Number.isInteger(perRequest)).toBe(true);
    expect(traffic.bytesSent).toBe(perRequest * 600);
    expect(traffic.bytesReceived).toBeGreaterThan(0);
    expect(traffic.bytesReceived).toBeLessThan(serverWritten);
  });

  it('every byte both ways, when there is no warm-up', async () => {
    const { url, sockets } = await serve((_req, res) => res.end('hello'));
    const { traffic } = await measure({ url, connections: 2 }, { iterations: 200, concurrency: 2 });
    expect(traffic.bytesSent).toBe(sockets.reduce((sum, s) => sum + s.bytesRead, 0));
    expect(traffic.bytesReceived).toBe(sockets.reduce((sum, s) => sum + s.bytesWritten, 0));
    expect(traffic.statusCodes).toEqual({ 200: 200 });
  });

  it('open loop: a server that stalls shows in latencies from the intended start, not in the uncorrected ones', async () => {
    // Every second the server holds its answers for 250 ms: what a GC pause or a lock looks like.
    const started = Date.now();
    const { url } = await serve((_req, res) => {
      const phase = (Date.now() - started) % 1000;
      if (phase < 250) setTimeout(() => res.end('ok'), 250 - phase);
      else res.end('ok');
    });
    const { metrics, uncorrected } = await measure(
      { url, connections: 1 },
      { rate: 200, durationMs: 2000, concurrency: 1 },
    );
    expect(uncorrected).toBeDefined();
    const corrected = metrics.latencyPercentiles;
    const actual = uncorrected!.latencyPercentiles;
    // A quarter of the schedule falls in a stall: the corrected p95 waits most of it.
    expect(corrected.p95).toBeGreaterThan(100);
    // One request per stall waits it; from its actual start every other one is quick.
    expect(actual.p95).toBeLessThan(corrected.p95 / 4);
    expect(metrics.totalSamples).toBe(uncorrected!.totalSamples);
  });

  it('types its failures: 5xx, refused, reset, timeout', async () => {
    const { url: failing } = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    const http500 = await measure({ url: failing }, { iterations: 20 });
    expect(http500.metrics.errorCounts).toEqual({ http_500: 20 });
    expect(http500.traffic.statusCodes).toEqual({ 500: 20 });

    const { url: closed, server } = await serve(() => undefined);
    servers.splice(servers.indexOf(server), 1);
    await new Promise((resolve) => server.close(resolve));
    const refused = await measure({ url: closed }, { iterations: 10 });
    expect(refused.metrics.errorCounts).toEqual({ ECONNREFUSED: 10 });
    expect(refused.traffic.statusCodes).toEqual({});

    const { url: resetting } = await serve((req) => req.socket.destroy());
    const reset = await measure({ url: resetting }, { iterations: 10 });
    expect(reset.metrics.errorCounts).toEqual({ ECONNRESET: 10 });

    const { url: silent } = await serve(() => undefined);
    const timeout = await measure(
      { url: silent, timeoutMs: 100, connections: 5 },
      { iterations: 5, concurrency: 5, timeoutMs: 100 },
    );
    expect(timeout.metrics.errorCounts).toEqual({ timeout: 5 });
  });

  it('an expected-status list decides what succeeds', async () => {
    let n = 0;
    const { url } = await serve((_req, res) => {
      res.statusCode = n++ % 2 ? 404 : 201;
      res.end();
    });
    const { metrics } = await measure({ url, expectStatus: '201,404' }, { iterations: 20 });
    expect(metrics.failedSamples).toBe(0);
    const strict = await measure({ url, expectStatus: '2xx' }, { iterations: 20 });
    expect(strict.metrics.errorCounts).toEqual({ http_404: 10 });
  });

  it('sends the method, headers and body given, and the URL userinfo as Basic authentication', async () => {
    const seen: Array<{
      method?: string;
      url?: string;
      auth?: string;
      type?: string;
      body: string;
    }> = [];
    const { url } = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          body,
        });
        res.end();
      });
    });
    const target = url.replace('http://', 'http://alice:s%3Acret@');
    const { metrics } = await measure(
      {
        url: `${target}/items?page=2`,
        method: 'put',
        headers: ['Content-Type: application/json'],
        body: '{"id":7}',
      },
      { iterations: 3 },
    );
    expect(metrics.successfulSamples).toBe(3);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual({
      method: 'PUT',
      url: '/items?page=2',
      auth: `Basic ${Buffer.from('alice:s:cret').toString('base64')}`,
      type: 'application/json',
      body: '{"id":7}',
    });
  });

  it('https: a self-signed certificate fails typed, and --insecure accepts it', async () => {
    const tls = join(import.meta.dirname, '_tls');
    const server = createTlsServer(
      {
        key: readFileSync(join(tls, 'localhost.key')),
        cert: readFileSync(join(tls, 'localhost.crt')),
      },
      (_req, res) => res.end('secure'),
    );
    servers.push(server as unknown as Server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const checked = await measure({ url }, { iterations: 5 });
    expect(checked.metrics.errorCounts).toEqual({ DEPTH_ZERO_SELF_SIGNED_CERT: 5 });
    const insecure = await measure({ url, insecure: true }, { iterations: 5 });
    expect(insecure.metrics.successfulSamples).toBe(5);
    expect(insecure.traffic.statusCodes).toEqual({ 200: 5 });
    expect(insecure.traffic.bytesReceived).toBeGreaterThan(0);
  });

  // undici closes the connection after a HEAD request unless the request says `reset: false`
  // (nodejs/undici#262, #1858): every HEAD request then opened a connection of its own.
  it.each([
    ['node:http', (count: () => void) => nodeHeadServer(count)],
    ['a bare HTTP/1.1 server (Content-Length, no Connection header)', bareHeadServer],
  ])('HEAD requests reuse the keep-alive connections as GET does (%s)', async (_, make) => {
    for (const method of ['GET', 'HEAD']) {
      let served = 0;
      const { url, connections } = await make(() => served++);
      const { metrics } = await measure(
        { url, method, connections: 4 },
        { iterations: 300, concurrency: 4, warmup: 4 },
      );
      expect({ method, served, ok: metrics.successfulSamples }).toEqual({
        method,
        served: 304,
        ok: 300,
      });
      // Warm-up included: the pool's 4 connections, never one per request.
      expect({ method, connections: connections() }).toEqual({
        method,
        connections: expect.toSatisfy((n: number) => n >= 1 && n <= 4) as number,
      });
    }
  });

  it('refuses bad input before any request: URL, method, header, expected status', () => {
    const url = 'http://127.0.0.1:1/';
    expect(() => httpWorkload({ url: 'http://exa mple.com/' })).toThrow(/invalid URL/);
    expect(() => httpWorkload({ url: 'http://127.0.0.1:99999/' })).toThrow(/invalid URL/);
    expect(() => httpWorkload({ url, method: 'FETCH' })).toThrow(/unknown HTTP method "FETCH"/);
    expect(() => httpWorkload({ url, headers: ['Authorization Bearer abcdefgh'] })).toThrow(
      /no colon/,
    );
    expect(() => httpWorkload({ url, headers: ['Authorization Bearer abcdefgh'] })).not.toThrow(
      /abcdefgh/,
    );
    expect(() => httpWorkload({ url, headers: ['X Y: 1'] })).toThrow(/not a header name/);
    expect(() => httpWorkload({ url, headers: ['X: a\r\nInjected: 1'] })).toThrow(/line break/);
    expect(() => httpWorkload({ url, headers: ['Content-Length: 3'] })).toThrow(/framing/);
    expect(() => httpWorkload({ url, expectStatus: '200-100' })).toThrow(/--expect-status/);
    expect(() => httpWorkload({ url, expectStatus: 'ok' })).toThrow(/--expect-status/);
  });
});
