/* eslint-disable no-control-regex -- the escape sequences are what these tests check */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { colourOn, link, paint } from '../../src/cli/_terminal.js';
import { parseObjective } from '../../src/analysis/objectives.js';
import { BIN, runCli, tempDir } from '../_helpers.js';

const ESC = '\x1b';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quick = ['synthetic', '-n', '30', '-w', '0', '--no-progress'];

describe('after the run: the report and what next (built CLI)', () => {
  it('prints the report.html path as a file:// URL and the next commands', async () => {
    const cwd = tempDir('perfsight-next-');
    const result = await runCli(['run', ...quick, '--name', 'check out'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const [folder] = readdirSync(join(cwd, 'perfsight-reports'));
    const report = join(cwd, 'perfsight-reports', folder!, 'report.html');
    const url = /^Open the report: (file:\/\/\S+)$/m.exec(result.stdout)?.[1];
    expect(url).toBe(pathToFileURL(report).href);
    expect(existsSync(fileURLToPath(url!))).toBe(true);
    // The next commands measure the same test again, the same way: the options as given,
    // quoted for the shell.
    const again = "npx perfsight run synthetic -n 30 -w 0 --no-progress --name 'check out'";
    const next = result.stdout.slice(result.stdout.indexOf('\nNext:\n') + 7).split('\n');
    expect(next[0]).toMatch(
      new RegExp(`^ {2}${escape(again)} --baseline latest +# run again, compared with this run$`),
    );
    expect(next[1]).toMatch(
      new RegExp(`^ {2}${escape(again)} --baseline latest --fail-on-regression +# .*exit 1`),
    );
    // Piped: no colour, no hyperlink escape.
    expect(result.stdout).not.toContain(ESC);
    expect(result.stderr).not.toContain(ESC);
  });

  it('without a history the baseline to compare with is the folder', async () => {
    const cwd = tempDir('perfsight-next-');
    const result = await runCli(['run', ...quick, '--no-history', '-o', 'first'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '\n  npx perfsight run synthetic -n 30 -w 0 --no-progress --no-history --baseline first ',
    );
  });

  it("runs again what was measured, without this run's folder, baseline or gate", async () => {
    const cwd = tempDir('perfsight-next-');
    await runCli(['run', ...quick, '--no-history', '-o', 'first'], { cwd });
    const result = await runCli(
      ['run', '--no-history', 'synthetic', '-r', '100', '-d', '500ms', '--error-rate=0.5', '-w0'],
      { cwd, env: {} },
    );
    expect(result.stdout).toContain(
      '\n  npx perfsight run --no-history synthetic -r 100 -d 500ms --error-rate=0.5 -w0 --baseline perfsight-reports/',
    );
    const gated = await runCli(
      [
        'run',
        ...quick,
        '--no-history',
        '--out=second',
        '--baseline',
        'first',
        '--fail-on-regression',
      ],
      { cwd },
    );
    expect(gated.stdout).toContain(
      '\n  npx perfsight run synthetic -n 30 -w 0 --no-progress --no-history --baseline second ',
    );
    expect(gated.stdout).not.toMatch(/--out|--baseline first/);
  });

  it('--json keeps stdout to the JSON alone; report suggests a samples file to fill in', async () => {
    const cwd = tempDir('perfsight-next-');
    const json = await runCli(['run', ...quick, '--json'], { cwd });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).report_type).toBe('summary');
    expect(json.stdout + json.stderr).not.toMatch(/Open the report|Next:/);
    writeFileSync(join(cwd, 'api.csv'), 'latency_ms\n5\n6\n7\n');
    const report = await runCli(['report', 'api.csv'], { cwd });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(
      /^ {2}npx perfsight report <samples> --name api --baseline latest +# run again/m,
    );
  });
});

describe('colour (built CLI and the terminal helpers)', () => {
  it('never when piped; FORCE_COLOR turns it on, FORCE_COLOR=0 off', async () => {
    const slo = ['--slo', 'p95<0.001ms', '--slo', 'success>=50%', '--no-history'];
    const plain = await runCli(['run', ...quick, ...slo]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).not.toContain(ESC);
    // One style for comparisons in human text: ≥ and ≤, never >= or <=.
    expect(plain.stdout).toMatch(/✅ PASS {2}success≥50% +success rate 100\.00% ≥ 50%/);
    expect(plain.stdout).toMatch(/❌ P95 Latency requirement not met: [\d.]+ms ≥ 0\.001ms/);
    // The "Next:" commands repeat the user's own --slo words, as typed: they are not prose.
    expect(plain.stdout.slice(0, plain.stdout.indexOf('\nNext:\n'))).not.toMatch(/>=|<=/);
    expect(plain.stdout).toContain(" --slo 'success>=50%' ");
    const forced = await runCli(['run', ...quick, ...slo], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\x1b\[31m❌ FAIL {2}p95<0\.001ms .*\x1b\[0m\n/);
    expect(forced.stdout).toMatch(/\x1b\[32m✅ PASS {2}success≥50% .*\x1b\[0m\n/);
    // The words stay: colour is never the only signal.
    expect(forced.stdout.replace(/\x1b\[\d+m/g, '')).toBe(forced.stdout.replace(/\x1b\[\d+m/g, ''));
    const off = await runCli(['run', ...quick, ...slo], { env: { FORCE_COLOR: '0' } });
    expect(off.stdout).not.toContain(ESC);
  });

  it('on a terminal: colour and an OSC 8 link to report.html, none with NO_COLOR', () => {
    const cwd = tempDir('perfsight-tty-');
    // `script` gives the CLI a pseudo-terminal as stdout, as a user's shell would.
    // A user's terminal: no colour overrides, and not `CI` either (Node's hasColors() answers
    // false under an unknown CI, and .ci/run sets CI=true).
    const { FORCE_COLOR: _force, NO_COLOR: _no, CI: _ci, ...inherited } = process.env;
    const onTerminal = (env: Record<string, string>) =>
      execFileSync(
        'script',
        ['-qec', `${process.execPath} ${BIN} run ${quick.join(' ')} --no-history`, '/dev/null'],
        { cwd, env: { ...inherited, TERM: 'xterm-256color', ...env } },
      ).toString();
    const coloured = onTerminal({});
    expect(coloured).toMatch(/\x1b\[32m✅ PASS/);
    expect(coloured).toMatch(
      /Open the report: \x1b\]8;;file:\/\/\S+\/report\.html\x1b\\file:\/\/\S+\/report\.html\x1b\]8;;\x1b\\/,
    );
    const noColour = onTerminal({ NO_COLOR: '1' });
    expect(noColour).not.toMatch(/\x1b\[\d+m/);
    // The link is not colour: a terminal still gets it.
    expect(noColour).toContain('\x1b]8;;file://');
  });

  it('colourOn follows FORCE_COLOR, then NO_COLOR, then the terminal', () => {
    const tty = { isTTY: true, hasColors: () => true };
    const pipe = { isTTY: false };
    expect(colourOn(tty, {})).toBe(true);
    expect(colourOn(pipe, {})).toBe(false);
    expect(colourOn(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourOn(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourOn(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourOn(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colourOn(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourOn({ isTTY: true, hasColors: () => false }, {})).toBe(false);
  });

  it('paint leaves text alone when off; link only on a terminal and only a clean URL', () => {
    const text = '  ✅ PASS  p95<1ms\n  ❌ FAIL  x\n';
    expect(paint(text, false)).toBe(text);
    expect(paint(text, true).replace(/\x1b\[\d+m/g, '')).toBe(text);
    expect(link('file:///a/report.html', 'r', { isTTY: false })).toBe('r');
    expect(link('file:///a/report.html', 'r', { isTTY: true })).toBe(
      '\x1b]8;;file:///a/report.html\x1b\\r\x1b]8;;\x1b\\',
    );
    expect(link('file:///a/\x1b]0;x\x07', 'r', { isTTY: true })).toBe('r');
  });
});

describe('the objectives grammar takes both comparison styles', () => {
  it('≥ and ≤ read as >= and <=', () => {
    expect(parseObjective('success≥99%')).toEqual(parseObjective('success>=99%'));
    expect(parseObjective('p95 ≤ 100ms')).toEqual(parseObjective('p95<=100ms'));
  });
});
