import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../_helpers.js';

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
/** Every file of a report folder, as text (gzipped samples aside). */
const folderText = (dir: string) =>
  readdirSync(dir)
    .filter((f) => !f.endsWith('.gz'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

describe('perfsight run <url>', () => {
  it('measures an HTTP service: the count it records is the count the server served, with status codes and bytes in every report', async () => {
    let served = 0;
    const statuses: Record<string, number> = {};
    const auth = new Set<string | undefined>();
    const url = await serve((req, res) => {
      served++;
      auth.add(req.headers.authorization);
      res.statusCode = served % 4 === 0 ? 503 : 200;
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      res.end('{"ok":true}');
    });
    const dir = tempDir();
    const out = join(dir, 'out');
    const target = `${url.replace('http://', 'http://svc:hunter2pw@')}/api?api_key=topsecret42`;
    const result = await runCli([
      'run',
      target,
      '-n',
      '400',
      '-c',
      '4',
      '-w',
      '0',
      '--header',
      'X-Api-Key: headersecret99',
      '--no-history',
      '-o',
      out,
    ]);
    // A quarter of the answers are 503s: the success objective fails, the run completes.
    expect(result.code, result.stderr).toBe(1);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.performance_summary.total_requests).toBe(served);
    expect(summary.http.status_codes).toEqual(statuses);
    expect(summary.error_analysis.error_counts).toEqual({ http_503: statuses['503'] });
    expect(summary.http.bytes_sent).toBeGreaterThan(0);
    expect(summary.http.bytes_received).toBeGreaterThan(0);
    expect(summary.workload).toMatchObject({ kind: 'http', method: 'GET' });

    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')),
    );
    expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(readJson(join(out, 'detailed.json'))), JSON.stringify(validate.errors)).toBe(
      true,
    );

    expect(result.stdout).toMatch(/^Status Codes: 200 × 300 · 503 × 100$/m);
    expect(result.stdout).toMatch(/^Bytes: [\d.]+ kB sent · [\d.]+ kB received$/m);
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('| Status codes | 200 × 300 · 503 × 100 |');
    expect(markdown).toMatch(/\| Bytes received \| [\d.]+ kB \|/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('HTTP Responses');
    expect(html).toContain('data-figure="http.status_codes.503">100<');

    // The userinfo went to the server as Basic authentication, and nowhere else.
    expect([...auth]).toEqual([`Basic ${Buffer.from('svc:hunter2pw').toString('base64')}`]);
    for (const secret of ['hunter2pw', 'topsecret42', 'headersecret99']) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(folderText(out)).not.toContain(secret);
    }
  });

  it('an unreachable host is not bad input: every request fails typed, the run completes and the objectives decide', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const dir = tempDir();
    const out = join(dir, 'out');
    const result = await runCli([
      'run',
      `http://127.0.0.1:${port}/`,
      '-n',
      '25',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).toBe(1);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.error_analysis.error_counts).toEqual({ ECONNREFUSED: 25 });
    expect(summary.http.status_codes).toEqual({});
  });

  it('bad input is one perfsight: line, exit 2, nothing written', async () => {
    const url = await serve((_req, res) => res.end());
    const cases: Array<[string[], RegExp]> = [
      [['run', 'http://exa mple.com/'], /^perfsight: invalid URL "http:\/\/exa mple\.com\/"/],
      [['run', 'http://u:pw@[::1/'], /^perfsight: invalid URL "http:\/\/\*\*\*@\[::1\/"/],
      [['run', url, '--method', 'FETCH'], /^perfsight: unknown HTTP method "FETCH"/],
      [
        ['run', url, '--header', 'Authorization Bearer abcdefghij'],
        /^perfsight: --header expects "Name: value"/,
      ],
      [
        ['run', url, '--header', 'Bad Name: 1'],
        /^perfsight: --header: "Bad Name" is not a header name/,
      ],
      [
        ['run', url, '--body-file', 'missing.json'],
        /^perfsight: --body-file missing\.json: no such file/,
      ],
      [['run', url, '--body', 'a', '--body-file', 'x'], /^perfsight: --body and --body-file/],
      [['run', url, '--expect-status', '600-100'], /^perfsight: --expect-status expects/],
      [
        ['run', url, '--latency-ms', '3'],
        /^perfsight: --latency-ms does nothing for an HTTP target/,
      ],
      [['run', 'synthetic', '--method', 'POST'], /^perfsight: --method is for HTTP targets/],
      [['monitor', '--no-builtin', '-d', '1s'], /^perfsight: --no-builtin leaves nothing to watch/],
      [
        ['monitor', '--method', 'POST', '-d', '1s'],
        /^perfsight: --method is for --target endpoints/,
      ],
      [
        ['monitor', '--target', `api=${url}`, '--body-file', 'none', '-d', '1s'],
        /^perfsight: --body-file none: no such file/,
      ],
    ];
    for (const [args, message] of cases) {
      const cwd = tempDir();
      const result = await runCli([...args, '-o', join(cwd, 'out')], { cwd });
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toContain('abcdefghij');
      expect(readdirSync(cwd)).toEqual([]);
    }
  });
});

describe('perfsight monitor --target', () => {
  it('sends what --method, --header and --body-file say; --no-builtin watches the targets alone', async () => {
    const seen: Array<{ method?: string; token?: string; body: string }> = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, token: req.headers['x-token'] as string, body });
        res.statusCode = 201;
        res.end();
      });
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'body.json'), '{"features":[1,2,3]}');
    const out = join(dir, 'out');
    const result = await runCli(
      [
        'monitor',
        '--no-builtin',
        '--target',
        `api=${url}/predict`,
        '--method',
        'POST',
        '--header',
        'X-Token: monitorsecret7',
        '--body-file',
        'body.json',
        '--expect-status',
        '201',
        '-r',
        '20',
        '-d',
        '1500ms',
        '--no-dashboard',
        '-o',
        out,
      ],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => !f.includes('.'))).toEqual(['api']);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every((s) => s.method === 'POST' && s.token === 'monitorsecret7')).toBe(true);
    expect(seen.every((s) => s.body === '{"features":[1,2,3]}')).toBe(true);
    const summary = readJson(join(out, 'api', 'summary.json'));
    expect(summary.performance_summary.failed_requests).toBe(0);
    expect(summary.http.status_codes['201']).toBe(summary.performance_summary.total_requests);
    expect(existsSync(join(out, 'feature_extraction'))).toBe(false);
    expect(folderText(join(out, 'api')) + result.stderr).not.toContain('monitorsecret7');
  });
});
