import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MetricsCollector } from '../../src/metrics/index.js';
import { renderSamplesCsv } from '../../src/report/index.js';
import { readSamplesFile } from '../../src/samples/index.js';
import { runCli, tempDir } from '../_helpers.js';

// One rule for a timestamp cell, whichever way it is written: epoch seconds (decimal text in
// any form latency_ms accepts, quoted or not, a JSON number or a JSON string) or an ISO-8601
// date. Before, `.5` unquoted was 0.5 s (the byte reader) but `".5"` quoted or a JSON string
// went through Date.parse: a day in 2001.

const dir = tempDir('perfsight-timestamps-');
let files = 0;
const file = (extension: string, content: string) => {
  const path = join(dir, `t${files++}.${extension}`);
  writeFileSync(path, content);
  return path;
};

/** Every figure and every sample a read gives, or its error's message without the path. */
async function outcome(path: string) {
  const collector = new MetricsCollector({ sampleResources: false });
  try {
    await readSamplesFile(path, collector);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { error: error.message.slice(path.length) };
  }
  const recorded = collector.recorded();
  return { metrics: recorded.metrics, samples: [...renderSamplesCsv(recorded)].join('') };
}

/** The same two samples with `cell` as each one's timestamp, in each way a file can say it. */
function written(cell: string) {
  const csv = (timestamp: string) =>
    file('csv', `timestamp,latency_ms\n${timestamp},10\n${timestamp},20\n`);
  const jsonLines = (timestamp: unknown) =>
    file(
      'jsonl',
      [10, 20].map((latency) => `{"timestamp":${timestamp},"latency_ms":${latency}}`).join('\n'),
    );
  const forms: Record<string, string> = {
    'CSV unquoted': csv(cell),
    'CSV quoted': csv(`"${cell}"`),
    'JSON string': jsonLines(JSON.stringify(cell)),
  };
  // As a JSON number: the text itself where JSON can say it (`1e999` too), else the number
  // the decimal text means (`.5` → 0.5); none for text that is no decimal.
  const text = cell.trim();
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    forms['JSON number'] = jsonLines(text);
  } else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    forms['JSON number'] = jsonLines(Number(text));
  }
  return forms;
}

describe('a timestamp cell means the same however it is written', () => {
  const epochSeconds = [
    '.5',
    '5.',
    '0.5',
    '1700000000.25',
    '1.7e9',
    '+1700000000',
    '0012.50',
    '1e2',
    ' 1700000000 ',
    '1234567890.123456789',
  ];
  it.each(epochSeconds)('%j: epoch seconds, as the plain unquoted number reads', async (cell) => {
    // The reference: the value as perfsight itself writes it, a plain decimal.
    const reference = await outcome(written(String(Number(cell)))['CSV unquoted']!);
    expect(reference).not.toHaveProperty('error');
    expect(reference.samples).toContain(`\n${String(Number(cell))},`);
    for (const [form, path] of Object.entries(written(cell))) {
      expect({ form, ...(await outcome(path)) }).toEqual({ form, ...reference });
    }
  });

  const isoDates = [
    '2026-01-01T00:00:00Z',
    '2026-01-01T10:00:00.250+01:00',
    '2026-01-01T10:00:00.250+0100',
    '2026-01-01 10:00:00z',
    '2026-01-01T10:00Z',
    '2026-01-01',
  ];
  it.each(isoDates)('%j: an ISO-8601 date, as its epoch seconds read', async (cell) => {
    const seconds = String(Date.parse(cell.replace(' ', 'T').toUpperCase()) / 1000);
    const reference = await outcome(written(seconds)['CSV unquoted']!);
    expect(reference).not.toHaveProperty('error');
    for (const [form, path] of Object.entries(written(cell))) {
      expect({ form, ...(await outcome(path)) }).toEqual({ form, ...reference });
    }
  });

  const notTimestamps = [
    'yesterday',
    'March 7 2020',
    '5 5',
    '0x10',
    '2026-02-30',
    '2026-13-01',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:00:60Z',
    '1969-12-31T23:59:59Z',
    '-1',
    '1e999',
    '1700000000000',
    '.',
  ];
  it.each(notTimestamps)('%j: refused with the file and line, in every form', async (cell) => {
    for (const [form, path] of Object.entries(written(cell))) {
      // The first sample's line: the header's next in CSV, the first in JSON Lines.
      const line = form.startsWith('CSV') ? 2 : 1;
      const got = await outcome(path);
      expect({ form, error: got.error }).toEqual({
        form,
        error: expect.stringMatching(
          new RegExp(`^:${line}: timestamp .+ (is not valid|is neither|looks like)`),
        ),
      });
    }
  });

  it('a JSON true is not a timestamp', async () => {
    const path = file('jsonl', '{"timestamp":true,"latency_ms":1}\n');
    expect(await outcome(path)).toEqual({
      error: ':1: timestamp true is neither epoch seconds nor ISO-8601',
    });
  });

  it.each([
    ['csv', 'timestamp,latency_ms\n1700000000,1\n"March 7 2020",2\n', ':3:'],
    [
      'jsonl',
      '{"timestamp":".5","latency_ms":1}\n{"timestamp":"yesterday","latency_ms":2}\n',
      ':2:',
    ],
  ])(
    'perfsight report: one perfsight: line, exit 2, nothing written (%s)',
    async (extension, content, line) => {
      const path = file(extension, content);
      const out = join(dir, `out-${files++}`);
      const result = await runCli(['report', path, '-o', out, '--no-history']);
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^perfsight: .*${line} timestamp `));
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});
