import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GraphRunner,
  SeriesStream,
  loadTfjsModel,
  useBackend,
} from '../../src/workloads/feature-extraction/index.js';
import { tempDir } from '../_helpers.js';
import { expectRefused, runModel } from './_model-runs.js';
import {
  GRAPH,
  graphKernel,
  saveLayersModel,
  saveTwoInputModel,
  writeGraphModel,
} from './_tfjs-models.js';

/** `run` of a model, about which model answered and in which shapes, not how fast on a busy machine. */
const run = (args: string[], out: string) =>
  runModel([...args, '--repeat-ratio', '0'], out, { slo: 'p95<60s' });

describe('any TensorFlow.js model: graph models and layers models of any single-input shape', () => {
  let dir: string;
  beforeAll(async () => {
    await useBackend('wasm');
    dir = tempDir('perfsight-tfjs-models-');
  });

  it('a graph model (tensorflowjs_converter’s format) loads and answers what its graph computes', async () => {
    const runner = await loadTfjsModel(writeGraphModel(join(dir, 'graph-lib')), 'wasm');
    expect(runner).toBeInstanceOf(GraphRunner);
    expect(runner.signature).toEqual({
      input: { name: 'window', shape: [null, GRAPH.steps, GRAPH.channels] },
      outputs: [{ name: 'Identity', shape: [null, GRAPH.units] }],
    });
    const x = new SeriesStream(3, 0, 2, [GRAPH.steps, GRAPH.channels]).next();
    const [answer] = await runner.run(x, 2);
    const kernel = graphKernel();
    const per = GRAPH.steps * GRAPH.channels;
    for (let b = 0; b < 2; b++) {
      for (let u = 0; u < GRAPH.units; u++) {
        let sum = 0;
        for (let i = 0; i < per; i++) sum += x[b * per + i]! * kernel[i * GRAPH.units + u]!;
        expect(answer![b * GRAPH.units + u]).toBeCloseTo(Math.tanh(sum), 5);
      }
    }
  });

  it('perfsight run --model measures a graph model in its own shapes, answered by the model', async () => {
    const model = writeGraphModel(join(dir, 'graph'));
    const out = join(dir, 'graph-run');
    const result = await run(['--model', model, '--batch', '3', '-n', '30'], out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Model: ${model} · TensorFlow.js, backend wasm`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.workload).toMatchObject({
      runtime: 'tfjs',
      input_name: 'window',
      input_shape: [3, GRAPH.steps, GRAPH.channels],
      outputs: { Identity: [null, GRAPH.units] },
      fallback: 'on',
    });
    expect(summary.latency_by_source.model.count).toBe(30);
    // Run as the graph asks (execute, no control flow here), so TensorFlow.js has nothing to
    // say on stderr; the breakdown is per kernel.
    expect(result.stderr).not.toMatch(/execute/);
    const detailed = JSON.parse(readFileSync(join(out, 'detailed.json'), 'utf8'));
    expect(detailed.model_profile.runtime).toBe('tfjs');
    expect(detailed.model_profile.operators.map((o: { op_type: string }) => o.op_type)).toContain(
      'Tanh',
    );
  }, 120_000);

  it('layers models of other shapes are measured with inputs of their shape, not answered by the fallback', async () => {
    for (const shape of [[24], [12, 3]]) {
      const model = await saveLayersModel(join(dir, `layers-${shape.join('x')}`), shape);
      const out = join(dir, `layers-run-${shape.join('x')}`);
      const result = await run(['--model', model, '-n', '25'], out);
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.workload).toMatchObject({
        input_name: 'readings',
        input_shape: [1, ...shape],
        outputs: { health: [null, 4] },
      });
      // Every call the model's: none the fallback's (it answered them all before).
      expect(summary.latency_by_source.model.count).toBe(25);
      expect(summary.optimization_metrics.fallback_uses).toBe(0);
    }
  }, 180_000);

  it('what is not a model it can feed: one perfsight: line, exit 2, nothing written', async () => {
    const notAModel = join(dir, 'not-a-model');
    mkdirSync(notAModel);
    writeFileSync(join(notAModel, 'model.json'), JSON.stringify({ notes: 'hello' }));
    const twoInputs = await saveTwoInputModel(join(dir, 'two-inputs'));
    const cases: Array<[string, RegExp]> = [
      [notAModel, /not-a-model\/model\.json: not a TensorFlow\.js model \(no modelTopology\)/],
      [
        twoInputs,
        /two-inputs: has 2 inputs \(a, b\); perfsight measures models of one float input/,
      ],
    ];
    for (const [model, message] of cases) await expectRefused(['--model', model], message);
  }, 120_000);
});
