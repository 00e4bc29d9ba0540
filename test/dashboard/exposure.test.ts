import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CLIENTS, WebDashboard } from '../../src/dashboard/index.js';
import {
  ContinuousPerformanceMonitor,
  MemorySink,
  type DashboardSnapshot,
} from '../../src/monitor/index.js';
import { BIN, ROOT, tempDir } from '../_helpers.js';

const TOKEN = 'test-token-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A monitor ticking every 50 ms, fed every 10 ms, with a web dashboard on an ephemeral port. */
async function dashboard(
  options: { token?: string; maxClients?: number; host?: string } = {},
  names = ['api'],
) {
  const frames = new MemorySink<DashboardSnapshot>();
  const web: WebDashboard = new WebDashboard({
    port: 0,
    ...options,
    read: (): DashboardSnapshot => monitor.dashboardData,
  });
  const monitor: ContinuousPerformanceMonitor = new ContinuousPerformanceMonitor(names, {
    intervalMs: 50,
    dashboardSinks: [web, frames],
  });
  const feeder = setInterval(
    () => monitor.collector('api')!.recordSample({ latencyMs: 5, success: true }),
    10,
  );
  await monitor.start();
  cleanups.push(async () => {
    clearInterval(feeder);
    await monitor.stop();
  });
  return { web, monitor, frames, port: Number(new URL(web.url).port) };
}

interface Answer {
  status: number;
  body: string;
  request: ClientRequest;
  response: IncomingMessage;
}

/** A raw HTTP GET to 127.0.0.1:port with the `Host` header as given (a browser would send it). */
function get(port: number, path: string, host: string, headers = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host, ...headers }, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        const answer = () =>
          resolve({ status: response.statusCode!, body, request: req, response });
        if (path.startsWith('/events') && response.statusCode === 200) {
          // A stream: answer at its first message, keep it open.
          response.once('data', (chunk: string) => {
            body = chunk;
            answer();
          });
          return;
        }
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', answer);
      },
    );
    req.on('error', reject);
    req.end();
    cleanups.push(() => void req.destroy());
  });
}

describe('web dashboard Host check (DNS rebinding)', () => {
  it('without a token, answers only its loopback names with its port; others get 403', async () => {
    const { port } = await dashboard();
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
    ]) {
      for (const path of ['/', '/api/snapshot', '/metrics']) {
        const answer = await get(port, path, host);
        expect(answer.status, `${host}${path}`).toBe(200);
      }
    }
    const forged = [
      `rebind.attacker.example:${port}`,
      'rebind.attacker.example',
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `localhost.attacker.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
    ];
    for (const host of forged) {
      for (const path of ['/', '/events', '/api/snapshot', '/metrics']) {
        const answer = await get(port, path, host);
        expect(answer.status, `${host}${path}`).toBe(403);
        expect(answer.body).not.toContain('collectors');
        expect(answer.body).not.toContain('perfsight_');
      }
    }
  });

  it('the bound address is accepted as a Host too', async () => {
    const { port } = await dashboard({ host: 'localhost' });
    expect((await get(port, '/api/snapshot', `localhost:${port}`)).status).toBe(200);
    expect((await get(port, '/api/snapshot', `evil.example:${port}`)).status).toBe(403);
  });

  it('with a token, any Host is answered once the token is given (how to expose it)', async () => {
    const { port } = await dashboard({ token: TOKEN });
    const host = `perf.internal.example:${port}`;
    expect((await get(port, '/api/snapshot', host)).status).toBe(401);
    const answer = await get(port, `/api/snapshot?token=${TOKEN}`, host);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toHaveProperty('collectors.api');
    expect((await get(port, '/metrics', host, { authorization: `Bearer ${TOKEN}` })).status).toBe(
      200,
    );
  });
});

describe('web dashboard data', () => {
  it('a collector named <script> reaches the page only as JSON data, never as markup', async () => {
    const hostile = '<script>alert(1)</script>';
    const { port } = await dashboard({}, ['api', hostile]);
    const host = `127.0.0.1:${port}`;
    const page = await get(port, '/', host);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('alert(1)');
    expect(page.response.headers['content-security-policy']).toMatch(/script-src 'nonce-/);
    for (const path of ['/api/snapshot', '/events']) {
      const answer = await get(port, path, host);
      expect(answer.response.headers['content-type']).toMatch(
        /^(application\/json|text\/event-stream)/,
      );
      expect(answer.response.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.body).toContain(JSON.stringify(hostile).slice(1, -1));
    }
  });
});

describe('web dashboard live viewers', () => {
  it(`caps live viewers at ${DEFAULT_MAX_CLIENTS} by default: more get 503, ticks and streams go on`, async () => {
    const { port, frames } = await dashboard();
    const host = `127.0.0.1:${port}`;
    const extra = 5;
    const answers = await Promise.all(
      Array.from({ length: DEFAULT_MAX_CLIENTS + extra }, () => get(port, '/events', host)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(DEFAULT_MAX_CLIENTS);
    expect(statuses.filter((s) => s === 503)).toHaveLength(extra);
    const refused = answers.find((a) => a.status === 503)!;
    expect(refused.response.headers['retry-after']).toBeDefined();
    expect(refused.body).toMatch(/too many live viewers/);
    // The monitor keeps ticking, and the viewers that got in keep receiving snapshots.
    const before = frames.items.length;
    const open = answers.filter((a) => a.status === 200);
    const next = await Promise.all(
      open.map(
        (a) =>
          new Promise<DashboardSnapshot>((resolve) =>
            a.response.once('data', (chunk: string) =>
              resolve(JSON.parse(chunk.replace(/^data: /, '')) as DashboardSnapshot),
            ),
          ),
      ),
    );
    expect(frames.items.length).toBeGreaterThan(before);
    for (const snapshot of next) expect(snapshot.collectors.api!.total_samples).toBeGreaterThan(0);
    // A viewer that leaves frees its place.
    open[0]!.request.destroy();
    await expect
      .poll(async () => {
        const again = await get(port, '/events', host);
        again.request.destroy();
        return again.status;
      })
      .toBe(200);
  });

  it('the cap is configurable; viewers that vanish mid-stream never stop the monitor', async () => {
    const { port, frames, monitor } = await dashboard({ maxClients: 2 });
    const host = `127.0.0.1:${port}`;
    const first = await Promise.all([get(port, '/events', host), get(port, '/events', host)]);
    expect(first.map((a) => a.status)).toEqual([200, 200]);
    expect((await get(port, '/events', host)).status).toBe(503);
    // Viewers gone without a goodbye (sockets reset while frames are being written).
    for (const a of first) a.request.socket!.resetAndDestroy();
    const seen = frames.items.length;
    await expect.poll(() => frames.items.length, { timeout: 5000 }).toBeGreaterThan(seen + 5);
    expect(monitor.dashboardData.collectors.api!.total_samples).toBeGreaterThan(0);
    expect((await get(port, '/events', host)).status).toBe(200);
  });
});

describe('web dashboard viewers against a file-descriptor limit (built CLI)', () => {
  it('300 viewers under `ulimit -n 256`: the monitor keeps ticking and writes its reports', async () => {
    const out = join(tempDir(), 'monitor');
    const child = spawn(
      'bash',
      [
        '-c',
        'ulimit -n 256 && exec "$0" "$@"',
        process.execPath,
        BIN,
        'monitor',
        // Long enough for a busy machine to start it and connect 300 viewers while it runs.
        ...['--duration', '15s', '--interval', '250ms', '--rate', '20'],
        ...['--web', '127.0.0.1:0', '--out', out],
      ],
      { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await expect
      .poll(() => /Web dashboard: (\S+)/.exec(stderr)?.[1], { timeout: 30_000 })
      .toBeTruthy();
    const port = Number(new URL(/Web dashboard: (\S+)/.exec(stderr)![1]!).port);
    const host = `127.0.0.1:${port}`;
    const viewers = await Promise.allSettled(
      Array.from({ length: 300 }, () => get(port, '/events', host)),
    );
    const statuses = viewers.map((v) => (v.status === 'fulfilled' ? v.value.status : 'closed'));
    expect(statuses.filter((s) => s === 200)).toHaveLength(DEFAULT_MAX_CLIENTS);
    expect(statuses.every((s) => s === 200 || s === 503 || s === 'closed')).toBe(true);
    // Ticks go on while the viewers stay connected: the plain dashboard keeps printing.
    const linesBefore = stdout.split('\n').length;
    await expect
      .poll(() => stdout.split('\n').length, { timeout: 5000 })
      .toBeGreaterThan(linesBefore + 2);
    expect(child.exitCode).toBeNull(); // still running: those lines are ticks, not the end
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EMFILE|internal error/);
    expect(code, stderr).toBe(0);
    expect(existsSync(join(out, 'continuous_monitoring_data.json'))).toBe(true);
  }, 90_000);
});
