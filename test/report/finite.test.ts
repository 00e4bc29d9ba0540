import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags } from '../../src/metrics/index.js';
import { buildDetailedReport, buildSummaryReport } from '../../src/model/index.js';
import { ROOT } from '../_helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
formats.default(ajv);
const validate = ajv.compile(schema);

const sample = fc.record({
  // Any finite latency, huge ones included (the exponent, not the mantissa, is the risk).
  latencyMs: fc.oneof(
    fc.double({ min: 0, max: 1e4, noNaN: true }),
    fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
  ),
  success: fc.boolean(),
  cacheHit: fc.option(fc.boolean(), { nil: undefined }),
  fallbackUsed: fc.boolean(),
});

describe('every report figure is a number the schema accepts', () => {
  it('for any finite latencies, exact or from the histogram, timed or not', () => {
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.constantFrom(undefined, 5),
        (samples, timed, exactCap) => {
          const t0 = Date.UTC(2026, 0, 1);
          const c = new MetricsCollector({ sampleResources: false, exactCap });
          c.startCollection({ replay: true });
          samples.forEach((s, i) =>
            c.record(
              s.latencyMs,
              sampleFlags(s.success, s.cacheHit, s.fallbackUsed),
              s.success ? undefined : 'Boom',
              t0 + i * 10,
            ),
          );
          // Replayed samples start when the earliest claims to have started, however long ago.
          const startMs = Math.min(...samples.map((s, i) => t0 + i * 10 - s.latencyMs));
          c.endCollection(timed ? { startMs, endMs: t0 + samples.length * 10 } : { timed: false });
          const run = {
            name: 'finite',
            description: '',
            recorded: c.recorded(),
            uncorrected: null,
            interrupted: false,
            configuration: {},
            environment: {
              perfsight_version: '0.0.0-test',
              node_version: 'v20.0.0',
              v8_version: '11',
              platform: 'linux',
              arch: 'x64',
              os_release: 'test',
              cpu_model: 'Test CPU',
              cpu_cores: 2,
              total_memory_mb: 4096,
              hostname: 'test',
              git_commit: null,
            },
            workload: {},
            generatedAt: new Date(t0 + 60_000),
          };
          const summary = buildSummaryReport(run);
          const detailed = buildDetailedReport(run, summary);
          // Through JSON, as written: a NaN or Infinity would become null here.
          for (const report of [summary, detailed]) {
            const written = JSON.parse(JSON.stringify(report));
            expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
