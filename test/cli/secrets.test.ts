import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

// These spawn dist/: run `npm run build` first (npm test does).

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Every file under `dir` (gzip files unpacked), with its path. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => {
      const bytes = readFileSync(path);
      return { path, text: (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1') };
    });
}

function expectNoSecret(where: string, text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text, `${secret} in ${where}`).not.toContain(secret);
}

describe('secrets never leave the place they were given', () => {
  it('--history with a password in the userinfo, the query and PGPASSWORD: no secret printed', async () => {
    const dir = tempDir();
    const result = await runCli(
      [
        'run',
        'synthetic',
        ...['-n', '20', '-w', '0', '--no-progress', '-o', join(dir, 'run')],
        ...['--history', 'postgres://u:secret1@127.0.0.1:1/db?password=secret2'],
      ],
      { env: { PGPASSWORD: 'secret3' } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('history database postgres://***@127.0.0.1:1/db');
    expectNoSecret('output', result.stdout + result.stderr, ['secret1', 'secret2', 'secret3']);
    for (const file of filesUnder(dir)) expectNoSecret(file.path, file.text, ['secret']);
  });

  it('a description quoting credentials is stored redacted in the reports and the history', async () => {
    const dir = tempDir();
    const result = await runCli([
      'run',
      'synthetic',
      ...['-n', '20', '-w', '0', '--no-progress', '-o', join(dir, 'run')],
      ...['--history', join(dir, 'history.db')],
      ...[
        '--description',
        'calls https://bob:hunter22@api.example/v1?sig=s1gnature PGPASSWORD=pgpw33',
      ],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8')) as {
      test_description: string;
    };
    expect(summary.test_description).toBe(
      'calls https://***@api.example/v1?sig=*** PGPASSWORD=***',
    );
    const files = filesUnder(dir);
    expect(files.some((f) => f.path.endsWith('history.db'))).toBe(true);
    for (const file of files) {
      expectNoSecret(file.path, file.text, ['bob', 'hunter22', 's1gnature', 'pgpw33']);
    }
  });

  it('a key in the target URL path: not in the output, the "Next:" commands, the reports, the history or errors', async () => {
    let served = 0;
    const paths = new Set<string>();
    const target = await serve((req, res) => {
      served++;
      paths.add(req.url ?? '');
      res.writeHead(200).end('ok');
    });
    // An API key in a segment, and a Slack-style webhook path: both reach the server as given.
    const key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const token = 'k9XqLmW2pRt7VbN4sZy8HcJe';
    const dir = tempDir();
    const cwd = tempDir();
    const result = await runCli(
      [
        'run',
        `http://${target}/v1/${key}/predict/services/T0/B0/${token}`,
        ...['-n', '20', '-w', '0', '--no-progress', '--slo', 'p95<60s'],
        ...['--history', join(dir, 'history.db')],
      ],
      { cwd },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(served).toBe(20);
    expect([...paths]).toEqual([`/v1/${key}/predict/services/T0/B0/${token}`]);
    // The default folder is named after the target: it names it redacted too.
    const [reports] = readdirSync(join(cwd, 'perfsight-reports'));
    const summary = JSON.parse(
      readFileSync(join(cwd, 'perfsight-reports', reports!, 'summary.json'), 'utf8'),
    ) as { test_name: string; workload: { url: string } };
    expect(summary.workload.url).toBe(`http://${target}/v1/***/predict/services/T0/B0/***`);
    expect(summary.test_name).toBe(`GET ${target}/v1/***/predict/services/T0/B0/***`);
    expect(result.stdout).toContain('Next:');
    expect(result.stdout).toContain(`run 'http://${target}/v1/***/predict/services/T0/B0/***'`);
    expectNoSecret('output', result.stdout + result.stderr, [key, token]);
    const files = [...filesUnder(dir), ...filesUnder(cwd)];
    expect(files.some((f) => f.path.endsWith('report.html'))).toBe(true);
    expect(files.some((f) => f.path.endsWith('history.db'))).toBe(true);
    for (const file of files) expectNoSecret(file.path, file.text, [key, token]);

    // A URL refused as bad input is quoted redacted too.
    const refused = await runCli(['run', `ftp://${target}/v1/${key}/x`, '-n', '1'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`ftp://${target}/v1/***/x`);
    expectNoSecret('error', refused.stdout + refused.stderr, [key]);
  });

  it('monitor: webhook and target credentials reach their servers only, never output, files or the dashboard', async () => {
    let calls = 0;
    const targetAuth = new Set<string | undefined>();
    const targetPaths = new Set<string>();
    const target = await serve((req, res) => {
      targetAuth.add(req.headers.authorization);
      targetPaths.add(req.url ?? '');
      res.writeHead(++calls % 2 === 0 ? 503 : 200).end('x');
    });
    const hookAuth = new Set<string | undefined>();
    const hookPaths = new Set<string>();
    let posts = 0;
    const hook = await serve((req, res) => {
      hookAuth.add(req.headers.authorization);
      hookPaths.add(req.url ?? '');
      posts++;
      req.resume();
      // A failing receiver: perfsight reports the failure, naming the webhook.
      req.on('end', () => res.writeHead(500).end());
    });
    // Secrets in the userinfo, the query and the path (a Discord-style webhook, a key segment).
    const hookPathToken = 'Xq7-Lm2_Rt9vBn4ZsYk8HcJePw3Ao6Ui';
    const targetPathKey = '5f4dcc3b5aa765d61d8327deb882cf99';
    const secrets = [
      ...['hookuser', 'hookpw9', 'abc123tok', 'tuser', 'tpw7secret', 'tkey42'],
      ...[hookPathToken, targetPathKey],
    ];
    const out = join(tempDir(), 'monitor');
    // Every snapshot the dashboard serves while the monitor runs (polled, not fetched once at
    // a fixed moment a slow machine might reach after the monitor has ended).
    const snapshots: string[] = [];
    const result = await runCli(
      [
        'monitor',
        ...['--duration', '4s', '--interval', '500ms', '--alerts-every', '500ms', '--rate', '40'],
        ...[
          '--target',
          `api=http://tuser:tpw7secret@${target}/health/${targetPathKey}?api_key=tkey42`,
        ],
        '--alert-rule',
        'error_rate<10% over 2s for 0s min_events 5 severity critical on api',
        ...[
          '--group-wait',
          '0',
          '--webhook',
          `http://hookuser:hookpw9@${hook}/api/webhooks/4455/${hookPathToken}?token=abc123tok`,
        ],
        ...['--web', '127.0.0.1:0', '--out', out, '--no-dashboard'],
      ],
      {
        timeoutMs: 60_000,
        onSpawn: (child) => {
          let seen = '';
          let poller: NodeJS.Timeout | undefined;
          child.stderr!.on('data', (d: Buffer) => {
            seen += d.toString();
            const url = /Web dashboard: (\S+)/.exec(seen)?.[1];
            if (url && !poller) {
              poller = setInterval(() => {
                fetch(new URL('/api/snapshot', url))
                  .then((r) => r.text())
                  .then((text) => void snapshots.push(text))
                  .catch(() => undefined); // the monitor has ended
              }, 250);
            }
          });
          child.on('exit', () => clearInterval(poller));
        },
      },
    );
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    // The credentials did their job: sent as Basic authentication, to their servers only.
    const basic = (user: string, pw: string) =>
      `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
    expect([...targetAuth]).toEqual([basic('tuser', 'tpw7secret')]);
    expect(posts).toBeGreaterThan(0);
    expect([...hookAuth]).toEqual([basic('hookuser', 'hookpw9')]);
    expect([...targetPaths]).toEqual([`/health/${targetPathKey}?api_key=tkey42`]);
    expect([...hookPaths]).toEqual([`/api/webhooks/4455/${hookPathToken}?token=abc123tok`]);
    // The webhook's failures are reported, naming it redacted.
    expect(result.stderr).toContain(
      `webhook http://***@${hook}/api/webhooks/***/***?token=***: HTTP 500`,
    );
    expectNoSecret('output', result.stdout + result.stderr, secrets);
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) {
      expect(snapshot).toContain('"collectors"');
      expectNoSecret('/api/snapshot', snapshot, secrets);
    }
    const files = filesUnder(out);
    expect(files.map((f) => f.path)).toContain(join(out, 'api', 'summary.json'));
    for (const file of files) expectNoSecret(file.path, file.text, secrets);
    const summary = JSON.parse(readFileSync(join(out, 'api', 'summary.json'), 'utf8')) as {
      test_description: string;
      workload: { url: string };
    };
    expect(summary.test_description).toBe(`HTTP GET http://***@${target}/health/***?api_key=***`);
    expect(summary.workload.url).toBe(`http://***@${target}/health/***?api_key=***`);
  }, 60_000);
});
