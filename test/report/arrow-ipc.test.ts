import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags, type RecordedRun } from '../../src/metrics/index.js';
import { renderSamplesArrow, samplesArrowParts } from '../../src/report/arrow.js';
import { readSamplesArrow } from '../../src/samples/arrow.js';
import { tempDir } from '../_helpers.js';
import { apacheArrowSamplesBytes } from './_arrow-reference.js';

const CHUNK = 65_536;

interface Run {
  n: number;
  timed: boolean;
  seed: number;
  /** Share of failed calls, 0 to 1. */
  failures: number;
  names: string[];
  /** Every sample's cache answer unknown, else a mix of unknown / hit / miss. */
  cacheUnknown: boolean;
}

/** Records a run through the real recorder (so its chunks are the ones `report` writes). */
function record(run: Run): RecordedRun {
  let state = run.seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection({ replay: true });
  const start = 1_700_000_000_000;
  for (let i = 0; i < run.n; i++) {
    const failed = random() < run.failures;
    const cache = run.cacheUnknown ? 3 : Math.floor(random() * 3);
    const name = run.names[Math.floor(random() * run.names.length)];
    collector.record(
      random() * 500,
      sampleFlags(!failed, cache === 0 ? true : cache === 1 ? false : undefined, random() < 0.1),
      failed ? name : undefined,
      run.timed ? start + i * 1.25 : 0,
    );
  }
  collector.endCollection(
    run.timed ? { startMs: start - 10, endMs: start + run.n * 1.25 } : { timed: false },
  );
  return collector.recorded();
}

const runs = fc.record({
  n: fc.oneof(
    fc.constantFrom(0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17),
    fc.integer({ min: 1, max: 2000 }),
  ),
  timed: fc.boolean(),
  seed: fc.integer(),
  failures: fc.constantFrom(0, 0.01, 0.5, 1),
  names: fc.uniqueArray(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'grapheme', minLength: 1 }),
    ),
    { minLength: 1, maxLength: 5 },
  ),
  cacheUnknown: fc.boolean(),
});

describe('samples.arrow without apache-arrow', () => {
  it('is byte for byte what apache-arrow’s tableToIPC writes, and reads back the same samples', async () => {
    const folder = tempDir();
    await fc.assert(
      fc.asyncProperty(runs, async (run) => {
        const recorded = record(run);
        const chunks = recorded.samples?.chunkColumns() ?? [];
        const timed = recorded.metrics.requestsPerSecond !== null;
        if (run.n > 0) expect(timed).toBe(run.timed);
        const reference = apacheArrowSamplesBytes(chunks, recorded.errorTypes, timed);
        const written = renderSamplesArrow(recorded);
        if (reference === undefined) {
          expect(written).toBeUndefined();
          return;
        }
        expect(written).toBeDefined();
        expect(Buffer.from(written!).equals(Buffer.from(reference))).toBe(true);
        const parts = samplesArrowParts(chunks, recorded.errorTypes, timed)!;
        expect(Buffer.concat(parts).equals(Buffer.from(reference))).toBe(true);

        // Read back: apache-arrow's reader, then perfsight's.
        const table = tableFromIPC(written!);
        expect(table.numRows).toBe(run.n);
        expect(table.batches.length).toBe(Math.ceil(run.n / CHUNK));
        expect(table.schema.metadata.get('perfsight.timed')).toBe(String(timed));
        const path = join(folder, 'samples.arrow');
        writeFileSync(path, written!);
        const read = await readSamplesArrow(path);
        expect(read.length).toBe(run.n);
        expect(read.timed).toBe(timed);
        let at = 0;
        for (const chunk of chunks) {
          for (let i = 0; i < chunk.length; i++, at++) {
            const name = recorded.errorTypes[chunk.errorCode[i]!] ?? '';
            if (
              read.latencyMs[at] !== chunk.latencyMs[i] ||
              read.timestampMs[at] !== chunk.timestampMs[i] ||
              read.flags[at] !== chunk.flags[i] ||
              (read.errorTypes[read.errorCode[at]!] ?? '') !== name ||
              (table.get(at)?.['error_type'] ?? '') !== name ||
              table.get(at)?.['latency_ms'] !== chunk.latencyMs[i]
            ) {
              expect({ at, read: read.flags[at] }).toEqual({ at, read: chunk.flags[i] });
              expect.unreachable(`sample ${at} differs`);
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
