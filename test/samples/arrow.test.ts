import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadRunForComparison } from '../../src/samples/index.js';
import { runCli, tempDir } from '../_helpers.js';

const dir = tempDir('perfsight-arrow-');
const at = (name: string) => join(dir, name);

/** A copy of the `good` report folder, changed by `change`. */
function variant(name: string, change: (folder: string) => void): string {
  const folder = at(name);
  cpSync(at('good'), folder, { recursive: true });
  change(folder);
  return folder;
}

async function problem(path: string): Promise<string> {
  const error = await loadRunForComparison(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as Error).message;
}

describe('samples.arrow, the columnar copy of the samples in a report folder', () => {
  beforeAll(async () => {
    const rows = ['timestamp,latency_ms,success,cache_hit,fallback_used,error_type'];
    for (let i = 0; i < 3000; i++) {
      const failed = i % 97 === 0;
      rows.push(
        [
          (1_700_000_000 + i / 250).toFixed(4),
          (1 + ((i * 7919) % 1000) / 37).toString(),
          String(!failed),
          ['', 'true', 'false'][i % 3]!,
          String(i % 11 === 0),
          failed ? (i % 2 ? 'timeout' : 'say "hi", twice') : i % 11 === 0 ? 'model_timeout' : '',
        ]
          .map((cell) => (/[",]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
          .join(','),
      );
    }
    writeFileSync(at('good.csv'), rows.join('\n'));
    writeFileSync(at('untimed.csv'), 'latency_ms,success\n1.5,true\n2.5,false\n3,true\n');
    for (const name of ['good', 'untimed']) {
      const made = await runCli(['report', at(`${name}.csv`), '-o', at(name), '--no-history']);
      expect(made.stderr).toBe('');
    }
  }, 120_000);

  it('holds every sample of samples.csv.gz, the same figures, readable by Apache Arrow', () => {
    const table = tableFromIPC(readFileSync(at('good/samples.arrow')));
    expect(table.schema.fields.map((field) => `${field.name}:${String(field.type)}`)).toEqual([
      'timestamp_ms:Float64',
      'latency_ms:Float64',
      'success:Bool',
      'cache_hit:Bool',
      'fallback_used:Bool',
      'error_type:Dictionary<Int16, Utf8>',
    ]);
    expect(table.schema.metadata.get('perfsight.timed')).toBe('true');
    const csv = gunzipSync(readFileSync(at('good/samples.csv.gz')))
      .toString()
      .trim()
      .split('\n')
      .slice(1);
    expect(table.numRows).toBe(csv.length);
    const unquote = (cell: string) => cell.replace(/^"(.*)"$/, '$1').replaceAll('""', '"');
    csv.forEach((line, i) => {
      const [timestamp, latency, success, cacheHit, fallback] = line.split(',');
      const row = table.get(i)!.toJSON() as Record<string, unknown>;
      // The CSV writes seconds; the Arrow column keeps the recorder's milliseconds.
      expect(row.timestamp_ms).toBeCloseTo(Number(timestamp) * 1000, 3);
      expect(row.latency_ms).toBe(Number(latency));
      expect(String(row.success)).toBe(success);
      expect(row.cache_hit === null ? '' : String(row.cache_hit)).toBe(cacheHit);
      expect(String(row.fallback_used)).toBe(fallback);
      const errorType = unquote(line.split(',').slice(5).join(','));
      expect(row.error_type ?? '').toBe(errorType);
    });
  });

  it('an untimed run has null timestamps and says so', () => {
    const table = tableFromIPC(readFileSync(at('untimed/samples.arrow')));
    expect(table.schema.metadata.get('perfsight.timed')).toBe('false');
    expect(table.getChild('timestamp_ms')!.nullCount).toBe(3);
    expect([...table.getChild('latency_ms')!]).toEqual([1.5, 2.5, 3]);
  });

  it('compare reads it instead of the CSV, with the very same latencies', async () => {
    const fromArrow = await loadRunForComparison(
      variant('arrow-only', (folder) => writeFileSync(join(folder, 'samples.csv.gz'), 'broken')),
    );
    const fromCsv = await loadRunForComparison(
      variant('csv-only', (folder) => rmSync(join(folder, 'samples.arrow'))),
    );
    expect(fromArrow.method).toBe('exact_samples');
    expect(fromCsv.method).toBe('exact_samples');
    expect(fromArrow.latencies.length).toBe(3000 - Math.ceil(3000 / 97));
    expect(fromArrow.latencies).toEqual(fromCsv.latencies);
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, bytes.length - 100)],
    ['not Arrow at all', () => Buffer.from('timestamp,latency_ms\n1,2\n')],
  ])('a %s samples.arrow is refused with the file named', async (name, damage) => {
    const folder = variant(`damaged-${name.replaceAll(' ', '-')}`, (folder) => {
      const path = join(folder, 'samples.arrow');
      writeFileSync(path, damage(readFileSync(path)));
    });
    expect(await problem(folder)).toMatch(/samples\.arrow: is not a valid Arrow IPC file/);
  });

  it.each(['samples.arrow', 'samples.csv.gz'])(
    'a %s of another run (not as many successes as detailed.json counts) is refused',
    async (name) => {
      const folder = variant(`other-run-${name}`, (folder) => {
        // Only that file: the other one must not be read instead.
        if (name === 'samples.csv.gz') rmSync(join(folder, 'samples.arrow'));
        cpSync(at(`untimed/${name}`), join(folder, name));
      });
      expect(await problem(folder)).toMatch(
        new RegExp(
          `${name.replaceAll('.', '\\.')}: has 2 successful samples, but its detailed\\.json counts ${3000 - Math.ceil(3000 / 97)} successful requests$`,
        ),
      );
    },
  );

  it.each(['samples.arrow', 'samples.csv.gz'])(
    'a symbolic link as %s is refused, not followed',
    async (name) => {
      const outside = at(`outside-${name}`);
      cpSync(at(`good/${name}`), outside);
      const folder = variant(`link-${name}`, (folder) => {
        // Only the linked file: the other one must not be read instead.
        if (name === 'samples.csv.gz') rmSync(join(folder, 'samples.arrow'));
        rmSync(join(folder, name));
        symlinkSync(outside, join(folder, name));
      });
      expect(await problem(folder)).toMatch(
        new RegExp(`${name.replaceAll('.', '\\.')}: is a symbolic link`),
      );
      const target = at(`out-link-${name}`);
      const result = await runCli(['compare', at('good'), folder, '-o', target]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^perfsight: .*is a symbolic link/);
      expect(existsSync(target)).toBe(false);
    },
    60_000,
  );
});
