import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/analysis/index.js';
import { loadPolicy } from '../../src/cli/config.js';
import { InputError, UsageError } from '../../src/errors.js';
import { ROOT, tempDir } from '../_helpers.js';

describe('perfsight.config.json', () => {
  const dir = tempDir('perfsight-config-');
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('the published JSON Schema is the one the validator uses', () => {
    const published = JSON.parse(readFileSync(join(ROOT, 'schema', 'config.schema.json'), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('defaults to the seed’s compliance objectives, and the model answered', () => {
    const policy = loadPolicy({ cwd: dir });
    expect(policy.objectives.map((o) => o.source)).toEqual([
      'p95<100ms',
      'success>=99%',
      'fallback<1%',
    ]);
    expect(policy.source).toBe('defaults');
  });

  it('is found in the working directory; --slo wins over it', () => {
    const sub = tempDir('perfsight-config-cwd-');
    writeFileSync(
      join(sub, 'perfsight.config.json'),
      JSON.stringify({ objectives: ['p99<50ms'], thresholds: { memory_mb: 512 } }),
    );
    const policy = loadPolicy({ cwd: sub });
    // The fallback objective joins objectives that do not name their own.
    expect(policy.objectives.map((o) => o.source)).toEqual(['p99<50ms', 'fallback<1%']);
    expect(policy.thresholds).toEqual({ memory_mb: 512 });
    expect(loadPolicy({ cwd: sub, slo: ['avg<5ms'] }).objectives.map((o) => o.source)).toEqual([
      'avg<5ms',
      'fallback<1%',
    ]);
  });

  it.each([
    ['broken.json', '{"objectives": [', /broken\.json: not valid JSON/],
    ['unknown.json', { objective: ['p95<1ms'] }, /unknown\.json: the top level: Unrecognized key/],
    ['rate.json', { thresholds: { success_rate: 1.5 } }, /rate\.json: thresholds\.success_rate/],
    [
      'typo.json',
      { objectives: ['p95<100furlongs'] },
      /typo\.json: objectives: bad objective "p95<100furlongs"/,
    ],
    [
      'huge.json',
      '{"thresholds": {"latency_p95_ms": 1e999}}',
      /huge\.json: latency_p95_ms: 1e999 is not a finite number/,
    ],
  ])('rejects %s with the file and the problem', (name, content, message) => {
    const path = write(name, content);
    expect(() => loadPolicy({ config: path })).toThrow(InputError);
    expect(() => loadPolicy({ config: path })).toThrow(message);
  });

  it('a bad --slo is a usage error', () => {
    expect(() => loadPolicy({ slo: ['p95<'] })).toThrow(UsageError);
  });
});
