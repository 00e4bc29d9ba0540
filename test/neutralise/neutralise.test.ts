import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  csvField,
  fromSpreadsheetCell,
  markdownText,
  spreadsheetCell,
  terminalLine,
  terminalText,
} from '../../src/neutralise/index.js';
import { renderDashboard, renderPlainLines } from '../../src/dashboard/index.js';
import { json } from '../../src/report/index.js';
import {
  ConsoleAlertSink,
  ContinuousPerformanceMonitor,
  parseAlertRule,
} from '../../src/monitor/index.js';

// eslint-disable-next-line no-control-regex -- what must never reach a terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'api\u001b[2J\u001b]0;title\u0007\u009b31m\u202eevil\r';

describe('terminal', () => {
  it('control characters, C1 and bidi overrides are shown as escapes; newline and tab kept', () => {
    expect(terminalText('a\u001b[31mb\n\tc\u0007\u009b\u202e\r')).toBe(
      'a\\x1b[31mb\n\tc\\x07\\x9b\\u202e\\x0d',
    );
    expect(terminalLine('one\ntwo\u001b')).toBe('one\\x0atwo\\x1b');
    expect(terminalText('✅ P95 — ünïcode 東京')).toBe('✅ P95 — ünïcode 東京');
  });

  it('JSON (--json on stdout, report files) carries no raw control character, same data', () => {
    const value = { name: HOSTILE, nested: ['\u007f\u2066x'] };
    const text = json(value);
    expect(text).not.toMatch(CONTROL);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('the terminal dashboard, its plain lines and the console alert lines show data inert', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const monitor = new ContinuousPerformanceMonitor([HOSTILE], {
      clock: { now: () => now },
      rules: [parseAlertRule('error_rate<5% over 1s for 0s min_events 1 severity critical')],
      throttle: { groupWaitMs: 0 },
    });
    await monitor.start({ schedule: false });
    // Failing for two seconds: the alert's window is covered, it fires.
    for (let t = 0; t < 20; t++) {
      monitor.collector(HOSTILE)!.recordSample({ latencyMs: 5, success: false });
      monitor.tick((now += 100));
    }
    const events = monitor.evaluateAlerts(now);
    expect(events.length).toBeGreaterThan(0);
    const snapshot = monitor.snapshot();
    const frame = renderDashboard(snapshot);
    expect(frame).not.toMatch(CONTROL);
    expect(frame).toContain('API\\x1b[2J'); // the seed upper-cases collector names
    expect(renderPlainLines(snapshot)).not.toMatch(CONTROL);
    const out = new PassThrough();
    let written = '';
    out.on('data', (d: Buffer) => (written += d.toString()));
    new ConsoleAlertSink(out).add({
      sent_at: new Date().toISOString(),
      alerts: events.map((e) => ({ ...e, message: `${e.message} \u001b[2K` })),
    } as never);
    expect(written).toContain('api\\x1b[2J');
    expect(written).not.toMatch(CONTROL);
    await monitor.stop();
  });
});

describe('CSV', () => {
  it('formula cells get a leading quote; numbers and plain text do not', () => {
    expect(spreadsheetCell('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    for (const cell of ['+cmd', '-2+3+cmd', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(spreadsheetCell(cell)).toBe(`'${cell}`);
    }
    for (const cell of ['-3.2', '+1e3', '-0', '-.5', 'ECONNRESET', 'http_503', '', "'quoted"]) {
      expect(spreadsheetCell(cell)).toBe(cell);
    }
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvField('-3.2')).toBe('-3.2');
  });

  it('reversible: perfsight reads back exactly what it wrote', () => {
    for (const cell of ['=1', "'=1", "''@x", '-3.2', "'-3.2x", "'plain", 'plain', '@']) {
      expect(fromSpreadsheetCell(spreadsheetCell(cell))).toBe(cell);
    }
  });
});

describe('Markdown', () => {
  it('escapes markup, defuses mentions and references, no line break, no control', () => {
    expect(markdownText('@org/team fixed #12 in *a_b* [x](y) <b>|</b> ~~s~~ &#64;me')).toBe(
      '@&#8203;org/team fixed #&#8203;12 in \\*a\\_b\\* \\[x\\](y) \\<b\\>\\|\\</b\\> \\~\\~s\\~\\~ \\&#&#8203;64;me',
    );
    expect(markdownText('a\nb\r\nc\u001b[2J')).toBe('a b c\\\\x1b\\[2J');
    expect(markdownText('user@example.com p95<100ms')).toBe('user@&#8203;example.com p95\\<100ms');
  });
});
