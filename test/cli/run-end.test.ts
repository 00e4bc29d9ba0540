import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';
import { TEARDOWN_GRACE_MS } from '../../src/cli/_signals.js';

// How a run ends, whatever the workload does. These spawn dist/: build first (npm test does).

interface Summary {
  interrupted: boolean;
  performance_summary: { total_requests: number; successful_requests: number };
  error_analysis: { error_counts: Record<string, number> };
}

const readSummary = (out: string) =>
  JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;

/** A workload module in a fresh temp folder; returns its path and the folder. */
function workloadModule(source: string): { module: string; dir: string } {
  const dir = tempDir('perfsight-run-end-');
  const module = join(dir, 'workload.mjs');
  writeFileSync(module, source);
  return { module, dir };
}

/** Sends `signal` once the run says it is measuring (set up, Ctrl-C now writes a report). */
function signalOnceMeasuring(child: ChildProcess, signal: NodeJS.Signals): void {
  let sent = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    if (!sent && chunk.toString().includes('perfsight: measuring')) {
      sent = true;
      setTimeout(() => child.kill(signal), 500);
    }
  });
}

const QUIET = ['--no-history'];

describe('perfsight run: what counts as a failure', () => {
  it('a call that throws or rejects undefined, null or 0 failed; a name getter that throws is counted too', async () => {
    const { module, dir } = workloadModule(`
      let i = 0;
      const nasty = () => {
        const error = new Error('nasty');
        Object.defineProperty(error, 'name', { get() { throw new Error('no name'); } });
        return error;
      };
      export default function throwsAnything() {
        switch (i++ % 6) {
          case 0: throw undefined;
          case 1: throw null;
          case 2: throw 0;
          case 3: return Promise.reject(undefined);
          case 4: return Promise.reject(nasty());
          default: throw nasty();
        }
      }
    `);
    const out = join(dir, 'out');
    const res = await runCli([
      'run',
      module,
      '-n',
      '24',
      '-w',
      '3',
      '--no-progress',
      ...QUIET,
      '-o',
      out,
    ]);
    expect(res.stderr).not.toMatch(/unhandled|internal error/i);
    expect(res.code).toBe(1);
    const summary = readSummary(out);
    expect(summary.performance_summary.total_requests).toBe(24);
    expect(summary.performance_summary.successful_requests).toBe(0);
    expect(summary.error_analysis.error_counts).toEqual({
      undefined: 8,
      null: 4,
      number: 4,
      Error: 8,
    });
  });
  it('a teardown() that throws an error whose message getter throws is still one clean line', async () => {
    const { module, dir } = workloadModule(`
      export default {
        name: 'closing',
        call() {},
        teardown() {
          const error = new Error('x');
          Object.defineProperty(error, 'message', { get() { throw new Error('no message'); } });
          throw error;
        },
      };
    `);
    const out = join(dir, 'out');
    const res = await runCli([
      'run',
      module,
      '-n',
      '3',
      '-w',
      '0',
      '--no-progress',
      ...QUIET,
      '-o',
      out,
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /^perfsight: closing: teardown\(\) failed: a value that cannot be shown; /m,
    );
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });
});

describe('perfsight run: timeouts', () => {
  it('-t 600h (beyond what one Node timer holds) measures normally: no call times out', async () => {
    const dir = tempDir('perfsight-run-end-');
    const out = join(dir, 'out');
    const res = await runCli([
      'run',
      'synthetic',
      '--latency-ms',
      '5',
      '-n',
      '20',
      '-t',
      '600h',
      '--no-progress',
      ...QUIET,
      '-o',
      out,
    ]);
    expect(res.code).toBe(0);
    const summary = readSummary(out);
    expect(summary.error_analysis.error_counts).toEqual({});
    expect(summary.performance_summary.successful_requests).toBe(20);
  });

  it('a duration too large to be a number is refused, not read as infinite', async () => {
    const dir = tempDir('perfsight-run-end-');
    const out = join(dir, 'out');
    const huge = `${'9'.repeat(400)}s`;
    const res = await runCli(['run', 'synthetic', '-n', '5', '-t', huge, ...QUIET, '-o', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^perfsight: .*expected a duration/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a timed-out call is aborted through its signal, and the process ends though it holds a timer', async () => {
    const { module, dir } = workloadModule(`
      import { writeFileSync } from 'node:fs';
      export default function hangs(i, { signal }) {
        // Honours the signal for even calls only: odd ones hold their timer regardless.
        if (i % 2 === 0) signal.addEventListener('abort', () =>
          writeFileSync(new URL('./aborted-' + i + '-' + signal.reason.name, import.meta.url), ''));
        return new Promise((resolve) => setTimeout(resolve, 1e6));
      }
    `);
    const out = join(dir, 'out');
    const res = await runCli(
      ['run', module, '-n', '4', '-w', '0', '-t', '100ms', '--no-progress', ...QUIET, '-o', out],
      { timeoutMs: 60_000 },
    );
    expect(res.signal).toBeNull(); // ended by itself, not killed by the test
    expect(res.code).toBe(1);
    expect(readSummary(out).error_analysis.error_counts).toEqual({ timeout: 4 });
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('aborted-'))
        .sort(),
    ).toEqual(['aborted-0-TimeoutError', 'aborted-2-TimeoutError']);
  });
});

describe('perfsight run: runs that end', () => {
  it('a call that never settles and holds nothing keeps the run alive until Ctrl-C: partial report, 130', async () => {
    const { module, dir } = workloadModule(
      'export default function never() { return new Promise(() => undefined); }\n',
    );
    const out = join(dir, 'out');
    const res = await runCli(['run', module, '-n', '5', '-w', '0', ...QUIET, '-o', out], {
      onSpawn: (child) => signalOnceMeasuring(child, 'SIGINT'),
      timeoutMs: 60_000,
    });
    expect(res.stderr).toContain('SIGINT received');
    expect(res.code).toBe(130);
    expect(readSummary(out).interrupted).toBe(true);
  });

  it('a workload that calls process.exit(0) is said and exits 3, not 0', async () => {
    const { module, dir } = workloadModule(
      'let n = 0;\nexport default function quits() { if (++n === 5) process.exit(0); }\n',
    );
    const out = join(dir, 'out');
    const res = await runCli([
      'run',
      module,
      '-n',
      '20',
      '-w',
      '0',
      '--no-progress',
      ...QUIET,
      '-o',
      out,
    ]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(
      /^perfsight: the workload called process\.exit\(0\) during the run/m,
    );
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  it('warm-up answers Ctrl-C: a hung warm-up call is abandoned and the report written', async () => {
    const { module, dir } = workloadModule(
      'export default function warmHang(i) { return i < 0 ? new Promise((r) => setTimeout(r, 1e6)) : undefined; }\n',
    );
    const out = join(dir, 'out');
    const res = await runCli(['run', module, '-n', '5', '-w', '2', ...QUIET, '-o', out], {
      onSpawn: (child) => signalOnceMeasuring(child, 'SIGINT'),
      timeoutMs: 60_000,
    });
    expect(res.signal).toBeNull();
    expect(res.stderr).toContain('SIGINT received');
    expect(res.code).toBe(130);
    expect(readSummary(out).interrupted).toBe(true);
  });

  it('a setup() that hangs answers Ctrl-C: an empty, interrupted report, 130', async () => {
    const { module, dir } = workloadModule(`
      export default {
        name: 'slow start',
        setup() {
          process.stderr.write('setting up\\n');
          return new Promise((resolve) => setTimeout(resolve, 1e6));
        },
        call() {},
      };
    `);
    const out = join(dir, 'out');
    const res = await runCli(['run', module, '-n', '5', ...QUIET, '-o', out], {
      onSpawn: (child) => {
        let sent = false;
        child.stderr?.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('setting up')) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 300);
          }
        });
      },
      timeoutMs: 60_000,
    });
    expect(res.signal).toBeNull();
    expect(res.code).toBe(130);
    const summary = readSummary(out);
    expect(summary.interrupted).toBe(true);
    expect(summary.performance_summary.total_requests).toBe(0);
  });

  it('warm-up calls are held to --timeout, and abandoned ones do not keep the process', async () => {
    const { module, dir } = workloadModule(
      'export default function warmHang(i) { return i < 0 ? new Promise((r) => setTimeout(r, 1e6)) : undefined; }\n',
    );
    const out = join(dir, 'out');
    const res = await runCli(
      ['run', module, '-n', '5', '-w', '2', '-t', '100ms', '--no-progress', ...QUIET, '-o', out],
      { timeoutMs: 60_000 },
    );
    expect(res.signal).toBeNull();
    expect(res.code).toBe(0);
    expect(readSummary(out).performance_summary.successful_requests).toBe(5);
  });

  it('--json keeps stdout for the JSON when the workload prints', async () => {
    const { module, dir } = workloadModule(
      "console.log('loading');\nexport default function chatty(i) { console.log('call', i); process.stdout.write('raw\\n'); }\n",
    );
    const res = await runCli([
      'run',
      module,
      '-n',
      '5',
      '-w',
      '1',
      '--json',
      ...QUIET,
      '-o',
      join(dir, 'out'),
    ]);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout) as Summary;
    expect(summary.performance_summary.total_requests).toBe(5);
    // What the workload printed is not lost: it went to stderr.
    expect(res.stderr).toContain('call 4');
    expect(res.stderr).toContain('loading');
  });
  describe('a teardown() that never finishes', () => {
    /** A workload whose calls take 1 ms and whose teardown says so, then hangs (holding a timer). */
    const stuckClosing = () =>
      workloadModule(`
        export default {
          name: 'stuck closing',
          call() { return new Promise((resolve) => setTimeout(resolve, 1)); },
          teardown() {
            process.stderr.write('tearing down\\n');
            return new Promise((resolve) => setTimeout(resolve, 1e6));
          },
        };
      `);
    /** Sends SIGINT `times` times, 300 ms after the teardown has begun and 100 ms apart. */
    const interruptTeardown = (child: ChildProcess, times: number) => {
      let sent = false;
      child.stderr?.on('data', (chunk: Buffer) => {
        if (sent || !chunk.toString().includes('tearing down')) return;
        sent = true;
        for (let i = 0; i < times; i++) setTimeout(() => child.kill('SIGINT'), 300 + i * 100);
      });
    };

    it('the first Ctrl-C stops waiting for it: every call in the report, marked interrupted, 130', async () => {
      const { module, dir } = stuckClosing();
      const out = join(dir, 'out');
      const res = await runCli(
        ['run', module, '-n', '20', '-w', '0', '--no-progress', ...QUIET, '-o', out],
        { onSpawn: (child) => interruptTeardown(child, 1), timeoutMs: 30_000 },
      );
      expect(res.signal).toBeNull(); // ended by itself, not killed by the test
      expect(res.code).toBe(130);
      expect(res.stderr).toContain('SIGINT received');
      expect(res.stderr).toContain(
        'perfsight: stuck closing: teardown() did not finish; stopped waiting for it',
      );
      const summary = readSummary(out);
      expect(summary.interrupted).toBe(true);
      expect(summary.performance_summary.total_requests).toBe(20);
      expect(readdirSync(out)).toContain('report.html');
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }, 40_000);

    it('after a Ctrl-C that interrupted the run, it gets a grace period, then the report is written', async () => {
      const { module, dir } = stuckClosing();
      const out = join(dir, 'out');
      let signalledAt = 0;
      let exitedAt = 0;
      const res = await runCli(['run', module, '-d', '60s', '-w', '0', ...QUIET, '-o', out], {
        onSpawn: (child) => {
          signalOnceMeasuring(child, 'SIGINT');
          child.stderr?.on('data', (chunk: Buffer) => {
            if (!signalledAt && chunk.toString().includes('SIGINT received')) {
              signalledAt = Date.now();
            }
          });
          child.on('exit', () => (exitedAt = Date.now()));
        },
        timeoutMs: 30_000,
      });
      expect(res.signal).toBeNull();
      expect(res.code).toBe(130);
      expect(res.stderr).toContain('tearing down');
      expect(res.stderr).toContain('stuck closing: teardown() did not finish');
      expect(readSummary(out).interrupted).toBe(true);
      // The teardown had its grace, and no more than a busy machine adds to it.
      expect(exitedAt - signalledAt).toBeGreaterThanOrEqual(TEARDOWN_GRACE_MS);
      expect(exitedAt - signalledAt).toBeLessThan(TEARDOWN_GRACE_MS + 15_000);
    }, 40_000);

    it('a second Ctrl-C exits at once: the report folder is complete or absent, never half-written', async () => {
      const { module, dir } = stuckClosing();
      const out = join(dir, 'out');
      const res = await runCli(
        ['run', module, '-n', '20', '-w', '0', '--no-progress', ...QUIET, '-o', out],
        { onSpawn: (child) => interruptTeardown(child, 2), timeoutMs: 30_000 },
      );
      expect(res.signal).toBeNull();
      expect(res.code).toBe(130);
      if (existsSync(out)) expect(readdirSync(out)).toContain('summary.json');
      expect(readdirSync(dir).filter((f) => f !== 'workload.mjs' && f !== 'out')).toEqual([]);
    }, 40_000);
  });
});

describe('perfsight monitor: a hung --target', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('requests are aborted at their timeout and the monitor exits when done', async () => {
    let open = 0;
    let peakOpen = 0;
    let received = 0;
    const server = createServer((req) => {
      // Never answers.
      received++;
      peakOpen = Math.max(peakOpen, ++open);
      req.socket.on('close', () => open--);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`;
    const out = join(tempDir('perfsight-run-end-'), 'monitor');
    const res = await runCli(
      [
        'monitor',
        '--duration',
        '3s',
        '--rate',
        '10',
        '--timeout',
        '200ms',
        '--target',
        `hung=${url}`,
        '--no-dashboard',
        '--out',
        out,
      ],
      { timeoutMs: 60_000 },
    );
    expect(res.signal).toBeNull();
    expect(res.code).toBe(0);
    expect(received).toBeGreaterThan(10);
    // Each request is dropped at its timeout: never more than a few open at once (without
    // the abort, every request of the run would still be open at its end).
    expect(peakOpen).toBeLessThan(received / 2);
    const summary = readSummary(join(out, 'hung'));
    expect(summary.performance_summary.successful_requests).toBe(0);
    expect(summary.error_analysis.error_counts.timeout).toBeGreaterThan(10);
  }, 60_000);
});
