import { describe, expect, it } from 'vitest';
import * as workloads from '../../src/workloads/index.js';
import { createWorkload, workloadOptionsTaken } from '../../src/workloads/index.js';

describe('workload options: each workload declares its own', () => {
  it('createWorkload takes a built-in workload’s own options, typed', async () => {
    const workload = await createWorkload('synthetic', { latencyMs: 1, jitter: 0, seed: 3 });
    expect(workload.info?.()).toMatchObject({ latency_ms: 1 });
    // @ts-expect-error: the synthetic workload has no model
    await createWorkload('synthetic', { model: 'dir' });
    // @ts-expect-error: the model's deadline is `modelTimeoutMs`, not a call timeout
    void (() => createWorkload('feature-extraction', { timeoutMs: 5 }));
  });

  it('the options each reads are keys of its options type; a module reads none', () => {
    expect(workloadOptionsTaken('feature-extraction')).toContain('modelTimeoutMs');
    expect(workloadOptionsTaken('feature-extraction')).not.toContain('timeoutMs');
    expect(workloadOptionsTaken('synthetic')).toEqual([
      'latencyMs',
      'jitter',
      'errorRate',
      'cacheHitRate',
      'mode',
      'seed',
    ]);
    expect(workloadOptionsTaken('./my-workload.mjs')).toEqual([]);
  });

  it('has no registry nobody calls', () => {
    expect(Object.keys(workloads)).not.toContain('registerWorkload');
  });
});
